# frozen_string_literal: true

require_relative "sync_job"

module Fleet
  # Asks for a round: every (account, resource) of the registered accounts gets a sync job
  # and is recorded in WANT, which the reconcile job compares with DONE.
  module Enqueuer
    module_function

    def enqueue(round, accounts = Fleet.account_names)
      count = 0
      accounts.each do |account|
        Fleet.resources(account).each do |resource|
          Sidekiq.redis { |r| r.hset(WANT, Fleet.key_of(account, resource), round) }
          SyncJob.perform_async(account, resource.to_s, round)
          count += 1
        end
      end
      count
    end
  end
end
