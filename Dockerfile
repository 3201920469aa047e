# Avviksboten in a container: `docker build -t avviksboten .`; README «Deployment» shows how to run it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LOG_FORMAT=json

# The bot never runs as root. /data is its working directory (a SQLite file, if you use one).
RUN groupadd --system --gid 10001 avvik \
 && useradd --system --uid 10001 --gid avvik --home-dir /data --shell /usr/sbin/nologin avvik \
 && mkdir /data && chown avvik:avvik /data

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY store ./store
RUN pip install . && rm -rf /src

USER avvik
WORKDIR /data
EXPOSE 3000

# /healthz answers 200 while the database answers. Socket Mode serves no HTTP: run it with --no-healthcheck.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4)"]

ENTRYPOINT ["avvik-bot"]
CMD ["serve", "--port", "3000"]
