# filing-monitor in a container: a small image, a non-root user, the config and the data as volumes.
#   docker build -t filing-monitor .
#   cp -r deploy/container my-config     then set [edgar] user_agent in my-config/config.toml to your own
#                                        name and e-mail (the SEC refuses the example's); rule packs of your
#                                        own go in my-config/rules/ with [rules] paths = ["/etc/filing-monitor/rules"]
#   docker run -d -v "$PWD/my-config:/etc/filing-monitor:ro" -v filing-monitor-data:/var/lib/filing-monitor \
#     -e SLACK_BOT_TOKEN -p 127.0.0.1:9108:9108 filing-monitor      (or -e SLACK_WEBHOOK_URL)
# docs/deploy.md walks through it.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY filings filings
COPY rules rules
COPY deals deals
COPY storage storage
COPY monitor monitor
# Wheels of the project and of every dependency, built here so the final image needs no compiler.
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/filing-monitor --create-home filing-monitor
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-compile /wheels/*.whl && rm -rf /wheels
# Made here, owned by the user: a named volume mounted on them starts with this owner, not root.
RUN mkdir -p /var/lib/filing-monitor/filings /var/lib/filing-monitor/cache \
    && chown -R filing-monitor:filing-monitor /var/lib/filing-monitor
ENV FILING_MONITOR_CONFIG=/etc/filing-monitor/config.toml \
    FILING_MONITOR_CACHE=/var/lib/filing-monitor/cache \
    PYTHONUNBUFFERED=1
USER filing-monitor
WORKDIR /var/lib/filing-monitor
VOLUME ["/var/lib/filing-monitor"]
EXPOSE 9108
# /healthz answers while the process runs ([metrics] enabled, bound to 0.0.0.0 inside the container).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9108/healthz', timeout=4)"]
# SIGTERM stops it cleanly within 10 s (docker stop's default grace).
ENTRYPOINT ["filing-monitor"]
CMD ["run"]
