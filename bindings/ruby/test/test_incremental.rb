# frozen_string_literal: true

require "net/http"
require_relative "test_helper"

# Incremental passes through the gem, on a sandbox of their own whose world moves on
# (POST /_sandbox/advance): a full pass with incremental: true, then rounds of changes read
# from the sync token, applied as upserts and deletions, equal to the sandbox's new truth.
class TestIncremental < Minitest::Test
  include SandboxTest

  def synced?(resource)
    out = FFI::MemoryPointer.new(:int)
    rc = Billtap::Native.billtap_provider_sync_method(out, "stripe", Billtap::Iterator.resource_value(resource))
    rc.zero? && out.read_int != 0
  end

  def advance(sandbox, days)
    uri = URI("#{sandbox.url}/_sandbox/advance?days=#{days}")
    response = Net::HTTP.post(uri, "")
    assert_equal "200", response.code, response.body
    JSON.parse(response.body)
  end

  def fresh_truth(sandbox, resource)
    File.foreach(File.join(sandbox.truth_dir, "#{resource}.jsonl")).map { |line| JSON.parse(line) }
  end

  def test_changes_applied_to_a_full_pass_give_the_new_truth
    resources = Sandbox::RESOURCES.select { |r| synced?(r) }
    assert_equal Sandbox::RESOURCES, resources, "stripe syncs every resource (docs/incremental.md)"
    Sandbox.with do |sb|
      state = {}
      tokens = {}
      sb.client do |client|
        resources.each do |resource|
          listing = client.list(resource, incremental: true)
          state[resource] = listing.to_h { |r| [r.id, r.to_h] }
          tokens[resource] = listing.sync_token
          assert_kind_of String, tokens[resource], resource
        end
        2.times do |round|
          advance(sb, 3)
          resources.each do |resource|
            listing = client.list(resource, checkpoint: tokens[resource])
            listing.each do |r|
              r.tombstone? ? state[resource].delete(r.id) : state[resource][r.id] = r.to_h
            end
            tokens[resource] = listing.sync_token
            assert_kind_of String, tokens[resource], "#{resource} round #{round}"
            want = fresh_truth(sb, resource).sort_by { |h| h["id"].b }
            got = state[resource].values.sort_by { |h| h["id"].b }
            assert_equal want, got, "#{resource} after round #{round + 1}"
          end
        end
      end
    end
  end

  def test_a_full_listing_has_no_sync_token_and_tombstones_read_as_such
    sandbox.client do |client|
      listing = client.customers
      listing.first(3)
      assert_nil listing.sync_token
    end
    klass = Billtap::Record.class_for(:customer)
    tomb = klass.new(klass.fields.to_h { |f| [f.name, nil] }.merge("id" => "cus_1", "deleted" => true), [], nil,
                     tombstone: true)
    assert tomb.tombstone?
    assert_equal({ "object" => "customer", "id" => "cus_1", "deleted" => true }, tomb.to_h)
  end
end
