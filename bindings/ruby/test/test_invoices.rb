# frozen_string_literal: true

require_relative "test_helper"
require_relative "fake_stripe"

# Invoices with their lines, from a fake Stripe serving the provider's fixtures (the
# sandbox-truth comparison is in test_records.rb and runs once the sandbox serves them).
class TestInvoices < Minitest::Test
  include SandboxTest

  def fake_client(fake, **settings, &block)
    Billtap::Client.open(:stripe, api_key: FakeStripe::API_KEY, base_url: fake.url, **settings, &block)
  end

  # Every field of every invoice and line equals the C library's own JSON, and the lines
  # beyond the embedded ones were paged in.
  def test_invoices_equal_the_c_libraries_json
    FakeStripe.with do |fake|
      pairs = fake_client(fake) { |client| records_with_c_json(client, :invoices) }
      assert_equal fake.invoice_ids, pairs.map { |_, invoice| invoice.id }
      pairs.each do |json, invoice|
        assert_equal json, invoice.to_h
        assert_equal fake.line_ids(invoice.id), invoice.lines.map(&:id)
        assert_equal fake.line_ids(invoice.id), json["lines"].map { |line| line["id"] }
      end
      assert_includes fake.requests, "/v1/invoices/in_B1/lines?limit=100&starting_after=il_11"
    end
  end

  def test_invoice_readers_are_typed
    invoices = FakeStripe.with { |fake| fake_client(fake) { |client| client.invoices.to_a } }
    paid, open = invoices
    assert_instance_of Billtap::Invoice, paid
    assert_predicate paid, :frozen?
    assert_predicate paid.lines, :frozen?
    # Values the fixture states directly (invoices_basil.json).
    assert_equal "in_B2", paid.id
    assert_equal "ABC-0002", paid.number
    assert_equal "cus_Q1", paid.customer_id
    assert_equal "paid", paid.status
    assert_includes Billtap.vocabulary(:invoice, :status), paid.status
    assert_equal Billtap::Money.new(5330, "EUR", 2), paid.subtotal
    assert_equal Billtap::Money.new(500, "EUR", 2), paid.discount
    assert_equal Billtap::Money.new(1300, "EUR", 2), paid.tax
    assert_equal Billtap::Money.new(6130, "EUR", 2), paid.total
    assert_equal Billtap::Money.new(6130, "EUR", 2), paid.amount_paid
    assert_equal Billtap::Money.new(0, "EUR", 2), paid.amount_due
    assert_equal Time.at(1_714_521_600).utc, paid.created_at
    assert_equal Time.at(1_714_525_200).utc, paid.issued_at
    assert_equal Time.at(1_714_528_800).utc, paid.paid_at
    assert_predicate paid.paid_at, :utc?
    assert_nil paid.voided_at
    assert_nil open.number, "a null number is nil"
    assert_equal "JPY", open.currency
    assert_equal 0, open.currency_exponent
    assert_equal Billtap::Money.new(300_000, "JPY", 0), open.amount_due

    lines = paid.lines
    assert_equal %w[il_1 il_2 il_3], lines.map(&:id)
    lines.each { |line| assert_instance_of Billtap::InvoiceLine, line }
    assert_equal [5000, -1200, 1530], lines.map { |line| line.amount.minor_units }
    assert_equal [2, 1, nil], lines.map(&:quantity)
    assert_equal [false, true, false], lines.map(&:proration?)
    assert_equal lines.map(&:proration), lines.map(&:proration?)
    assert_nil lines[2].description
    assert_equal "price_pro", lines[0].plan_id
    assert_equal Time.at(1_714_521_600).utc, lines[0].period_start
    lines.each { |line| assert_includes Billtap.vocabulary(:invoice_line, :kind), line.kind }
    assert_equal "line_item", lines[0].raw["object"]
    assert_equal "invoice", paid.raw["object"]
  end

  # Resuming after the first invoice: the second comes with all its lines, none twice.
  def test_invoices_resume_from_a_checkpoint
    FakeStripe.with do |fake|
      fake_client(fake, page_size: 1) do |client|
        listing = client.invoices
        head = listing.first(1)
        tail = client.invoices(checkpoint: listing.checkpoint).to_a
        all = client.invoices.to_a
        assert_equal fake.invoice_ids, (head + tail).map(&:id)
        assert_equal all, head + tail
        assert_equal fake.line_ids(tail.first.id), tail.first.lines.map(&:id)
      end
    end
  end

  def test_a_wrong_key_is_an_authentication_error
    FakeStripe.with do |fake|
      error = assert_raises(Billtap::AuthenticationError) do
        Billtap::Client.open(:stripe, api_key: "sk_test_wrong", base_url: fake.url) { |c| c.invoices.first }
      end
      assert_equal 401, error.http_status
      refute_includes error.message, "sk_test_wrong"
    end
  end
end
