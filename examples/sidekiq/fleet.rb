# frozen_string_literal: true

# The fleet example's shared part (README.md): configuration from the environment, the
# account registry, a billtap client per account, its shared budget and a PostgreSQL sink.
#
#   FLEET_REDIS_URL   redis://127.0.0.1:PORT/0 (Sidekiq's too)
#   FLEET_PG          a libpq connection string: "host=127.0.0.1 port=P dbname=fleet user=fleet"
#   BILLTAP_LIB       the libbilltap.so.0 to load (else pkg-config or the system's)
require "billtap"
require "billtap/sync/postgres"
require "json"
require "sidekiq"
require_relative "redis_budget"

# Sidekiq 6.4 calls Redis 4.8 in ways it warns about on every job; the warnings say nothing
# about this example.
Redis.silence_deprecations = true if Redis.respond_to?(:silence_deprecations=)

module Fleet
  QUEUE = "fleet"
  ACCOUNTS = "fleet:accounts" # Redis hash: account => JSON {provider, settings}
  WANT = "fleet:want"         # Redis hash: "account/resource" => the round asked for
  DONE = "fleet:done"         # Redis hash: "account/resource" => the last round completed
  REPORT = "fleet:reconcile"  # Redis string: the reconcile job's last report (JSON)
  PAGE_SIZE = Integer(ENV.fetch("FLEET_PAGE_SIZE", "25"))
  BATCH_SIZE = Integer(ENV.fetch("FLEET_BATCH_SIZE", "40"))

  module_function

  def redis_url
    ENV.fetch("FLEET_REDIS_URL", "redis://127.0.0.1:6379/0")
  end

  def pg_connect
    PG.connect(ENV.fetch("FLEET_PG", "dbname=fleet"))
  end

  # Runs the block with a PostgreSQL sink on a connection of its own, closed afterwards. A
  # connection per job keeps a job's advisory lock and transactions on one session, and a
  # restarted server costs the jobs that were running, nothing more.
  def with_sink
    conn = pg_connect
    yield Billtap::Sync::Postgres.new(conn)
  ensure
    conn&.close
  end

  # Registers accounts: {name => {"provider" => "stripe", "settings" => {...}}}. In an
  # application this is its own table of customers' connected accounts.
  def register(accounts)
    Sidekiq.redis { |r| accounts.each { |name, account| r.hset(ACCOUNTS, name, JSON.generate(account)) } }
  end

  def account(name)
    json = Sidekiq.redis { |r| r.hget(ACCOUNTS, name) } or raise ArgumentError, "unknown account #{name}"
    JSON.parse(json)
  end

  def account_names
    Sidekiq.redis { |r| r.hkeys(ACCOUNTS) }.sort
  end

  # The resources an account's provider serves.
  def resources(name)
    Billtap.describe(account(name)["provider"]).resources
  end

  # Billtap::Client.open's arguments for the account: its provider and settings. Each
  # client paces itself to the account's limit (the rate_limit setting); the shared budget
  # below keeps all of them together within it.
  def client_args(name)
    account = account(name)
    [account["provider"].to_sym, account["settings"].transform_keys(&:to_sym).merge(page_size: PAGE_SIZE)]
  end

  # The account's shared budget: below the provider's limit (rate_limit R: R a second,
  # bursts of R), at 90 % of the rate and half the burst, which leaves room for the few
  # requests a call sends beyond what it paid for (docs/fleet.md, "Sizing").
  def budget(name)
    rate = Float(account(name)["settings"].fetch("rate_limit", "10"))
    return nil unless rate.positive?

    RedisBudget.new(Sidekiq.redis_pool, name, rate: rate * 0.9, burst: [rate / 2, 1].max)
  end

  def key_of(account, resource)
    "#{account}/#{resource}"
  end
end
