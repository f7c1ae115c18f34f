# frozen_string_literal: true

require "minitest/autorun"
require "time"
require "billtap"
require_relative "sandbox"

module SandboxTest
  def sandbox
    Sandbox.shared
  end

  def truth(resource)
    sandbox.truth(resource)
  end

  # Records' to_h, sorted like the truth files (by id, byte order).
  def hashes(records)
    records.map(&:to_h).sort_by { |h| h["id"].b }
  end

  def assert_no_duplicate_ids(records)
    ids = records.map { |r| r.is_a?(Hash) ? r["id"] : r.id }
    assert_equal ids.size, ids.uniq.size, "duplicate ids"
  end

  # C iterators still allocated for a client (a Client, or the address of its C handle,
  # which stays meaningful after close).
  def live_iterators(client)
    client = client.instance_variable_get(:@handle).address if client.is_a?(Billtap::Client)
    Billtap::Handles.live_iterators(client)
  end
end
