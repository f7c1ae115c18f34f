# frozen_string_literal: true

# What each Sidekiq process loads: sidekiq -r ./examples/sidekiq/boot.rb -q fleet -c 5
require_relative "reconcile_job"

Sidekiq.configure_server do |config|
  config.redis = { url: Fleet.redis_url }
  # Retries and scheduled jobs are looked at every second or so (not every 5-15 s), so a
  # job that failed on a restarting database comes back quickly.
  config.options[:poll_interval_average] = 1
end
# The tables are made once, before the workers start (Billtap::Sync::Postgres#install),
# not by each process: concurrent CREATE TABLE IF NOT EXISTS can fail in PostgreSQL.
Sidekiq.configure_client { |config| config.redis = { url: Fleet.redis_url } }
