# frozen_string_literal: true

require_relative "fleet"

module Fleet
  # One (account, resource) sync per job: Billtap::Sync into PostgreSQL, within the
  # account's shared budget, under the key's advisory lock (a second job for the same key
  # while one runs returns at once; the reconcile job looks again later). When the pass
  # completes, the round is marked done in Redis. A job lost with its process (SIGKILL)
  # leaves its last committed batch and checkpoint; the reconcile job enqueues it again and
  # the new job goes on from that checkpoint.
  class SyncJob
    include Sidekiq::Worker
    sidekiq_options queue: QUEUE, retry: 5
    # A failure (the database restarting, the provider down) is retried soon; the
    # checkpoint makes a retry cheap. The reconcile job covers jobs that run out of retries.
    sidekiq_retry_in { |count, _exception| 1 + count }

    def perform(account, resource, round)
      Fleet.with_sink do |sink|
        provider, settings = Fleet.client_args(account)
        ran = Billtap::Client.open(provider, **settings) do |client|
          sync = Billtap::Sync.new(client, account: account, resource: resource, sink: sink,
                                           batch_size: BATCH_SIZE, budget: Fleet.budget(account))
          sink.with_lock(sync.key) { sync.run }
        end
        next logger.info("#{account}/#{resource}: another job holds it") unless ran

        Sidekiq.redis { |r| r.hset(DONE, Fleet.key_of(account, resource), round) }
        logger.info("#{account}/#{resource} round #{round}: #{ran.records} records, " \
                    "#{ran.tombstones} tombstones, #{ran.batches} batches, #{ran.requests} requests")
      end
    end
  end
end
