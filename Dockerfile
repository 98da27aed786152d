# Hydra: one image for web (daphne), worker and beat (see docker-compose.yml).
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    HYDRA_DATA_DIR=/data HYDRA_STATIC_ROOT=/app/staticfiles
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 hydra && mkdir -p /data && chown hydra /data
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY --chown=hydra . .
# collectstatic needs settings but no database or secret
RUN SECRET_KEY=build-only DEBUG=true python manage.py collectstatic --noinput
USER hydra
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/api/v1/health || exit 1
ENTRYPOINT ["python", "-m", "hydra.serve", "-b", "0.0.0.0", "-p", "8000", "hydra.asgi:application"]
