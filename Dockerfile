FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
RUN DJANGO_SECRET_KEY=build-only MFA_ENCRYPTION_KEYS=build-only SITE_URL=https://localhost python manage.py compilemessages \
    && DJANGO_SECRET_KEY=build-only MFA_ENCRYPTION_KEYS=build-only SITE_URL=https://localhost python manage.py collectstatic --noinput \
    && useradd --create-home anvt && mkdir -p /data/private && chown anvt /data/private
USER anvt
EXPOSE 8000
