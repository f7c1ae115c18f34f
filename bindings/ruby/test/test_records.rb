# frozen_string_literal: true

require_relative "test_helper"
require "date"

class TestRecords < Minitest::Test
  include SandboxTest

  Sandbox::RESOURCES.each do |resource|
    define_method("test_#{resource}_equal_the_truth") do
      skip_unless_served(resource)
      records = sandbox.client { |client| client.list(resource).to_a }
      refute_empty truth(resource)
      assert_equal truth(resource).size, records.size
      assert_no_duplicate_ids(records)
      assert_equal truth(resource), hashes(records)
    end
  end

  # to_h is built from the typed accessors; the C library's own JSON is the other path.
  def test_to_h_equals_the_c_libraries_json
    sandbox.client do |client|
      sandbox.resources.each do |resource|
        pairs = records_with_c_json(client, resource)
        pairs.each { |json, record| assert_equal json, record.to_h }
        assert_equal truth(resource).size, pairs.size
      end
    end
  end

  # deconstruct_keys: every field by its Symbol, the kind under :object, nested records
  # under their member; compared with the truth file, a separate path.
  def test_pattern_matching_on_records
    skip_unless_served(:invoices)
    records = sandbox.client { |client| client.invoices.to_a }
    by_id = truth(:invoices).to_h { |h| [h["id"], h] }
    records.each do |record|
      expected = by_id.fetch(record.id)
      keys = record.deconstruct_keys(nil)
      assert_equal expected.keys.map(&:to_sym).sort, keys.keys.sort
      assert_equal expected["object"].to_sym, keys[:object]
      member = record.class.nested_member
      assert_equal expected[member].size, keys[member.to_sym].size
    end
    matched = records.select do |record|
      case record
      in { object: :invoice, status: "paid", total: { currency: String => currency, minor_units: Integer } }
        assert_equal currency, record.currency
        true
      else
        false
      end
    end
    expected_count = truth(:invoices).count { |h| h["status"] == "paid" }
    refute_equal 0, expected_count
    assert_equal expected_count, matched.size

    customer = sandbox.client { |client| client.customers.first }
    case customer
    in { id: String => id, created_at: Time => created, deleted: false }
      assert_equal customer.id, id
      assert_equal customer.created_at, created
    end
    assert_equal({ id: customer.id, nope: nil }.compact, customer.deconstruct_keys(%i[id nope]))
  end

  def test_records_are_frozen_with_typed_values
    customer, plans, subscription, transaction = sandbox.client do |client|
      [client.customers.first, client.plans.to_a, client.subscriptions.first, client.transactions.first]
    end
    [customer, subscription, transaction, *plans].each do |record|
      assert_predicate record, :frozen?
      assert_raises(FrozenError) { record.instance_variable_set(:@x, 1) }
    end
    assert_instance_of Billtap::Customer, customer
    assert_match(/\Acus_/, customer.id)
    assert_predicate customer.id, :frozen?
    assert_equal Encoding::UTF_8, customer.id.encoding
    assert_instance_of Time, customer.created_at
    assert_predicate customer.created_at, :utc?
    # An unfrozen copy per call: localtime works, and changes neither the record nor the
    # next reader's value.
    refute_predicate customer.created_at, :frozen?
    truth_created = Time.iso8601(truth(:customers).find { |h| h["id"] == customer.id }["created_at"])
    local = customer.created_at.localtime("+09:00")
    assert_equal truth_created, local
    assert_equal 9 * 3600, local.utc_offset
    assert_predicate customer.created_at, :utc?
    assert_predicate customer[:created_at], :utc?
    assert_equal truth_created, customer.created_at
    assert_equal false, customer.deleted
    assert_equal false, customer.deleted?

    assert_instance_of Billtap::Subscription, subscription
    refute_empty subscription.items
    assert_predicate subscription.items, :frozen?
    item = subscription.items.first
    assert_instance_of Billtap::SubscriptionItem, item
    assert_instance_of Billtap::Money, item.amount if item.amount
    assert_includes [true, false], subscription.cancel_at_period_end?

    assert_instance_of Billtap::Transaction, transaction
    assert_instance_of Billtap::Money, transaction.amount
    assert_equal transaction.currency, transaction.amount.currency
    assert_equal transaction.currency_exponent, transaction.amount.exponent
    assert_kind_of Integer, transaction.amount.minor_units
    assert_instance_of Billtap::Money, transaction.refunded_amount
    assert_includes %w[payment refund], transaction.kind

    # A plan without a flat price has a null amount: nil, not a Money of nil.
    plans.each do |plan|
      truth_plan = truth(:plans).find { |h| h["id"] == plan.id }
      if truth_plan["amount"].nil?
        assert_nil plan.amount
      else
        assert_equal truth_plan["amount"], plan.amount.minor_units
      end
    end
  end

  def test_money_values_match_the_truth_exactly
    transactions = sandbox.client { |client| client.transactions.to_a }
    by_id = truth(:transactions).to_h { |h| [h["id"], h] }
    transactions.each do |t|
      expected = by_id.fetch(t.id)
      exact = BigDecimal(expected["amount"]) / (10**expected["currency_exponent"])
      assert_equal exact, t.amount.to_d
      assert_equal expected["currency"], t.amount.to_s.split(" ").last
    end
  end

  def test_raw_is_the_providers_object
    customer, subscription = sandbox.client { |client| [client.customers.first, client.subscriptions.first] }
    raw = customer.raw
    assert_instance_of Hash, raw
    assert_predicate raw, :frozen?
    assert_equal customer.id, raw["id"]
    assert_equal "customer", raw["object"]
    assert_equal customer.created_at.to_i, raw["created"]
    assert_equal "subscription", subscription.raw["object"]
  end

  def test_to_json_and_readers_agree_with_to_h
    subscription = sandbox.client { |client| client.subscriptions.first }
    assert_equal subscription.to_h, JSON.parse(subscription.to_json)
    assert_equal subscription.to_h, JSON.parse(JSON.generate([subscription])).first
    Billtap::Subscription.field_names.each do |name|
      value = subscription.public_send(name)
      # Times are a fresh copy per call (see test_records_are_frozen_with_typed_values).
      same = value.is_a?(Time) ? :assert_equal : :assert_same
      send(same, value, subscription[name])
      send(same, value, subscription[name.to_sym])
    end
    assert_raises(KeyError) { subscription[:nope] }
    assert_equal "subscription", subscription.to_h["object"]
    assert_equal subscription.items.map(&:to_h), subscription.to_h["items"]
  end

  def test_records_compare_by_value
    a, b = sandbox.client { |client| [client.customers.first, client.customers.first] }
    refute_same a, b
    assert_equal a, b
    assert_equal a.hash, b.hash
    assert_equal 1, [a, b].uniq.size
  end

  def test_since_filters_by_creation_time
    times = truth(:customers).map { |h| Time.iso8601(h["created_at"]) }.sort
    since = times[times.size / 2]
    expected = truth(:customers).select { |h| Time.iso8601(h["created_at"]) >= since }
    sandbox.client do |client|
      [since, since.to_i, since.utc.iso8601, since.getlocal("+05:00")].each do |form|
        got = client.customers(since: form).to_a
        assert_equal expected, hashes(got), "since: #{form.inspect}"
      end
      day = Date.new(since.year, since.month, since.day)
      midnight = Time.utc(day.year, day.month, day.day)
      assert_equal truth(:customers).count { |h| Time.iso8601(h["created_at"]) >= midnight },
                   client.customers(since: day).count, "a Date is midnight UTC"
      assert_raises(ArgumentError) { client.customers(since: "not a time").first }
      assert_raises(ArgumentError) { client.customers(since: 1.5).first }
    end
  end
end
