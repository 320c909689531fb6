"""Deals: one financing followed across its filings (signing 8-K, Form D, resale registration, ...).

Pure functions over a filing's events and the issuer's open deals: which deal a filing joins and
why, the deal's terms as its filings accumulate, and what each later filing adds. Storage keeps
the deals (storage/deals.py); notify/ threads their alerts. No database, no network here.
"""
