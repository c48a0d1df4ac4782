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
EXPOSE 5080
ENTRYPOINT ["dotnet", "Analytics.Api.dll"]
