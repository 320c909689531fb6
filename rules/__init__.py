"""The pure rules engine: TOML rule packs -> events. No network, no database.

Import the module you need: `rules.engine` runs rules, `rules.loader` reads them, `rules.catalogue`
lists the event types."""
