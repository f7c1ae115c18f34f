# frozen_string_literal: true

# The fleet test (docs/fleet.md; run by scripts/fleet-test): real PostgreSQL, Redis and
# Sidekiq, and one billtap-sandbox serving a fleet of accounts of every provider, each with
# its own rate limit. Round 1 syncs every (account, resource) while Sidekiq processes are
# SIGKILLed and PostgreSQL crashes and restarts; when the reconcile job reports convergence,
# every table must equal the union of the truth files exactly, and no account may have seen
# more 429s than its budget allows. Then every world moves on and round 2 (incremental) must
# give the new truth. Prints TAP lines, the figures and "RESULT: N passed, N failed".
#
#   ruby tests/fleet/fleet_test.rb SANDBOX_BINARY   (env: BILLTAP_LIB; FLEET_ACCOUNTS,
#                                                    FLEET_SCALE, FLEET_RATE to size it)
require "json"
require "net/http"
require "tmpdir"
require_relative "servers"

SANDBOX = ARGV.fetch(0) { abort "usage: fleet_test.rb SANDBOX_BINARY" }
ACCOUNTS = Integer(ENV.fetch("FLEET_ACCOUNTS", "28"))
SCALE = Integer(ENV.fetch("FLEET_SCALE", "30"))
RATE = Integer(ENV.fetch("FLEET_RATE", "20"))    # requests a second per account, burst as many
ALLOWED_429 = Integer(ENV.fetch("FLEET_ALLOWED_429", "0")) # per account (docs/fleet.md, "Sizing")
CONCURRENCY = 5
CONVERGE_TIMEOUT = Integer(ENV.fetch("FLEET_TIMEOUT", "150"))

$passed = 0
$failed = 0
def check(ok, what, detail = nil)
  if ok
    $passed += 1
    puts "ok #{$passed + $failed} - #{what}"
  else
    $failed += 1
    puts "not ok #{$passed + $failed} - #{what}"
    puts "  # #{detail}" if detail
  end
  ok
end

def monotonic
  Process.clock_gettime(Process::CLOCK_MONOTONIC)
end

dir = Dir.mktmpdir("billtap-fleet")
File.chmod(0o755, dir) # the postgres user (under root) reaches its directory inside
started = monotonic
servers = []
begin
  pg = FleetServers::Postgres.new(dir)
  pg.start
  servers << pg
  redis = FleetServers::Redis.new(dir)
  servers << redis
  sandbox = FleetServers::Sandbox.new(SANDBOX, dir, ["--accounts", ACCOUNTS.to_s, "--provider",
                                                      "stripe,paypal,recurly,chargebee,paddle,braintree,gocardless", "--seed", "3",
                                                      "--scale", SCALE.to_s, "--rate-limit", RATE.to_s])
  servers << sandbox
  ENV["FLEET_REDIS_URL"] = redis.url
  ENV["FLEET_PG"] = pg.conninfo
  require "pg"
  PG.connect(pg.conninfo("postgres")).tap { |c| c.exec("CREATE DATABASE fleet") }.close
  require_relative "../../examples/sidekiq/enqueue"
  require_relative "../../examples/sidekiq/reconcile_job"
  require "sidekiq/api"
  Sidekiq.configure_client { |config| config.redis = { url: redis.url } }
  Fleet.with_sink(&:install)
  Fleet.register(sandbox.accounts)
  require_relative "verify"

  rubylib = [File.expand_path("../../bindings/ruby/lib", __dir__), ENV["RUBYLIB"]].compact.join(":")
  env = { "FLEET_REDIS_URL" => redis.url, "FLEET_PG" => pg.conninfo, "RUBYLIB" => rubylib }
  workers = %w[sidekiq-a sidekiq-b].map { |n| FleetServers::SidekiqProcess.new(n, dir, env, concurrency: CONCURRENCY) }
  workers.each(&:start)
  servers.concat(workers)

  converge = lambda do |round, chaos|
    t0 = monotonic
    enqueued_at = Time.now.to_f
    chaos_thread = Thread.new { chaos.call } if chaos
    last = nil
    loop do
      Fleet::ReconcileJob.perform_async(round) # the test is the cron
      sleep 1
      report = Sidekiq.redis { |r| r.get(Fleet::REPORT) }
      last = report && JSON.parse(report)
      break if last && last["round"] == round && last["at"] > enqueued_at && last["pending"].zero? &&
               !chaos_thread&.alive?
      raise "round #{round} did not converge in #{CONVERGE_TIMEOUT} s: #{last.inspect}" if monotonic - t0 > CONVERGE_TIMEOUT
    end
    chaos_thread&.value
    monotonic - t0
  end

  kills = []
  chaos = lambda do
    # SIGKILL a process while it runs jobs, twice (a, then b), and crash PostgreSQL between.
    [workers[0], :postgres, workers[1]].each do |victim|
      if victim == :postgres
        sleep 0.5
        pg.crash_restart
        next
      end
      FleetServers.wait_for("#{victim.name} running jobs", timeout: 60) { victim.in_flight.positive? }
      lost = victim.in_flight
      victim.kill
      kills << [victim.name, lost]
      victim.start
    end
  end

  jobs = Fleet::Enqueuer.enqueue(1)
  round1 = converge.call(1, chaos)
  verifier = FleetVerify.new(pg.conninfo, sandbox)
  verifier.check_all(round: 1, &method(:check))
  check(kills.size >= 2 && kills.all? { |_, lost| lost.positive? }, "two Sidekiq processes SIGKILLed with jobs in flight",
        kills.inspect)
  rate429 = sandbox.accounts.keys.to_h do |name|
    stats = JSON.parse(Net::HTTP.get(URI("#{sandbox.url(name)}/_sandbox/stats")))
    [name, stats.dig("status", "429").to_i]
  end
  buckets = Sidekiq.redis { |r| r.keys("fleet:budget:*") }.size
  check(buckets == ACCOUNTS, "every account drew on its shared budget in Redis (#{buckets} buckets)")
  over = rate429.select { |_, n| n > ALLOWED_429 }
  check(over.empty?, "no account saw more than #{ALLOWED_429} 429s in round 1", over.inspect)

  # Round 2: every world moves on; the incremental round gives the new truth.
  changes = sandbox.accounts.sum do |name, account|
    body = Net::HTTP.post(URI("#{sandbox.url(name)}/_sandbox/advance?days=4"), "", "Content-Type" => "application/json").body
    answer = JSON.parse(body)
    # The sandbox's clock is now 4 days ahead of ours, as PayPal's never is: a PayPal pass
    # that searches the whole history must start where PayPal's three years start by the
    # sandbox's clock (as tests/integration/cli_incremental_test.sh does).
    if account["provider"] == "paypal"
      account["settings"]["history_start"] = Time.at(answer.fetch("now") - (1095 * 86_400)).utc.strftime("%Y-%m-%dT%H:%M:%SZ")
      Fleet.register(name => account)
    end
    answer.fetch("changes")
  end
  Fleet::Enqueuer.enqueue(2)
  round2 = converge.call(2, nil)
  verifier.check_all(round: 2, &method(:check))
  modes = verifier.checkpoint_modes
  check((modes.keys - %w[done sync]).empty? && modes.values.sum == jobs,
        "every (account, resource) ends on a sync token or a complete full pass", modes.inspect)
  rate429_2 = sandbox.accounts.keys.sum do |name|
    JSON.parse(Net::HTTP.get(URI("#{sandbox.url(name)}/_sandbox/stats"))).dig("status", "429").to_i
  end

  providers = sandbox.accounts.values.map { |a| a["provider"] }.tally
  puts "# accounts: #{ACCOUNTS} (#{providers.map { |p, n| "#{n} #{p}" }.join(', ')}), scale #{SCALE}, " \
       "#{RATE} requests/s per account"
  puts "# jobs per round: #{jobs}; records round 1: #{verifier.counts[1]}, round 2: #{verifier.counts[2]} " \
       "(#{changes} changes)"
  puts "# kills: #{kills.map { |n, lost| "#{n} (#{lost} jobs in flight)" }.join(', ')}; PostgreSQL crashed and restarted once"
  puts "# 429s: round 1 #{rate429.values.sum} (most for one account #{rate429.values.max}), rounds 1+2 #{rate429_2}"
  puts format("# wall time: round 1 %.1f s, round 2 %.1f s, total %.1f s", round1, round2, monotonic - started)
rescue StandardError => e
  check(false, "fleet test ran", "#{e.class}: #{e.message}\n  # #{e.backtrace.first(5).join("\n  # ")}")
  Dir[File.join(dir, "*.log")].each { |f| puts "# --- #{File.basename(f)}", File.readlines(f).last(15).map { |l| "#   #{l}" } }
ensure
  servers.reverse_each(&:stop)
  FileUtils.rm_rf(dir) unless ENV["KEEP"]
end
puts "RESULT: #{$passed} passed, #{$failed} failed"
exit($failed.zero? ? 0 : 1)
