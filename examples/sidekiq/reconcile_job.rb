# frozen_string_literal: true

require_relative "sync_job"
require "sidekiq/api"

module Fleet
  # Makes the fleet converge although plain Sidekiq loses the jobs a process was running
  # when it is SIGKILLed (its fetch takes a job off the queue; nothing puts it back). Run
  # it periodically (cron, sidekiq-cron, or the test's driver): for each (account,
  # resource) whose last completed round is below the round asked for, it enqueues the job
  # again unless one is waiting (queue, retry or scheduled set) or running (its advisory
  # lock is held: PostgreSQL drops a dead session's lock, so a killed job's key is free).
  # Its report, in Redis (REPORT): {"round", "pending", "requeued", "at"}; pending 0 means
  # every (account, resource) of the round is synced.
  class ReconcileJob
    include Sidekiq::Worker
    sidekiq_options queue: QUEUE, retry: false

    def perform(round)
      want, done = Sidekiq.redis { |r| [r.hgetall(WANT), r.hgetall(DONE)] }
      pending = want.select { |key, asked| done.fetch(key, "0").to_i < [asked.to_i, round].min }.keys.sort
      waiting = pending.empty? ? Set.new : waiting_keys
      requeued = 0
      Fleet.with_sink do |sink|
        pending.each do |key|
          next if waiting.include?(key)

          account, resource = key.split("/", 2)
          free = sink.with_lock(Billtap::Sync::Key.new(account, Fleet.account(account)["provider"], resource)) { true }
          next unless free

          SyncJob.perform_async(account, resource, round)
          requeued += 1
        end
      end
      report = { "round" => round, "pending" => pending.size, "requeued" => requeued, "at" => Time.now.to_f }
      Sidekiq.redis { |r| r.set(REPORT, JSON.generate(report)) }
      logger.info("reconcile round #{round}: #{pending.size} pending, #{requeued} enqueued again")
    end

    private

    # The keys of the sync jobs waiting in the queue, the retry set or the scheduled set.
    def waiting_keys
      jobs = Sidekiq::Queue.new(QUEUE).to_a + Sidekiq::RetrySet.new.to_a + Sidekiq::ScheduledSet.new.to_a
      jobs.select { |job| job.klass == SyncJob.name }.map { |job| Fleet.key_of(*job.args.first(2)) }.to_set
    end
  end
end
