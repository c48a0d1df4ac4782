# The service in server mode (docker-compose.yml). The embedded engine's libchdb.so is not in the image:
# a container talks to a ClickHouse server.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
RUN apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
COPY . .
RUN cd tracker-js && npm ci --no-audit --no-fund && npm run build
RUN cd dashboards/web && npm ci --no-audit --no-fund && npm run build
RUN dotnet publish src/Analytics.Api -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY --from=build /src/tracker-js/dist /app/tracker-js/dist
COPY --from=build /src/tracker-js/demo /app/tracker-js/demo
ENV Tracker__Directory=/app/tracker-js
COPY --from=build /src/dashboards/web/dist /app/dashboard
ENV Dashboard__Directory=/app/dashboard
# The data directory (spool, salts, cookie keys) and the backups belong to the image's non-root user "app"
# ($APP_UID, 1654): a named volume mounted there starts with this owner.
RUN mkdir -p /data /backups && chown "$APP_UID" /data /backups && chmod 700 /data /backups
ENV ANALYTICS_DATA_DIR=/data ANALYTICS_URLS=http://0.0.0.0:5080
USER $APP_UID
EXPOSE 5080
# Liveness: the process answers (bash's /dev/tcp; the image has no curl). Load balancers ask /readyz instead.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/5080 && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "Analytics.Api.dll"]
