# frozen_string_literal: true

require_relative "test_helper"

class TestMoney < Minitest::Test
  include SandboxTest
  def money(*args)
    Billtap::Money.new(*args)
  end

  def test_to_s_keeps_every_decimal_place_of_the_provider
    assert_equal "19.99 USD", money(1999, "USD", 2).to_s
    assert_equal "0.05 USD", money(5, "USD", 2).to_s
    assert_equal "0.00 EUR", money(0, "EUR", 2).to_s
    assert_equal "500 JPY", money(500, "JPY", 0).to_s
    assert_equal "1.234 KWD", money(1234, "KWD", 3).to_s
    assert_equal "0.001 BHD", money(1, "BHD", 3).to_s
    assert_equal "-12.50 USD", money(-1250, "USD", 2).to_s
    assert_equal "92233720368547758.07 USD", money(2**63 - 1, "USD", 2).to_s
  end

  def test_to_d_is_exact
    assert_equal BigDecimal("19.99"), money(1999, "USD", 2).to_d
    assert_equal BigDecimal("92233720368547758.07"), money(2**63 - 1, "USD", 2).to_d
    assert_equal BigDecimal("500"), money(500, "JPY", 0).to_d
    assert_equal Rational(1234, 1000), money(1234, "KWD", 3).to_r
  end

  def test_equality_and_hash
    assert_equal money(1999, "USD", 2), money(1999, "USD", 2)
    assert_equal money(1999, "USD", 2).hash, money(1999, "USD", 2).hash
    refute_equal money(1999, "USD", 2), money(1999, "EUR", 2)
    refute_equal money(100, "USD", 2), money(1000, "USD", 3)
    refute_equal money(1999, "USD", 2), 1999
    assert_equal 1, [money(1, "USD", 2), money(1, "USD", 2)].uniq.size
  end

  def test_ordered_within_a_currency_only
    assert_operator money(100, "USD", 2), :<, money(101, "USD", 2)
    assert_nil money(100, "USD", 2) <=> 100
    error = assert_raises(Billtap::Money::CurrencyMismatch) { money(100, "USD", 2) < money(100, "EUR", 2) }
    assert_kind_of ArgumentError, error
    assert_includes error.message, "1.00 USD"
    assert_includes error.message, "1.00 EUR"
    assert_raises(Billtap::Money::CurrencyMismatch) { [money(1, "USD", 2), money(1, "EUR", 2)].sort }
    assert_equal [money(1, "USD", 2), money(5, "USD", 2), money(7, "USD", 2)],
                 [money(7, "USD", 2), money(1, "USD", 2), money(5, "USD", 2)].sort
    assert_equal money(7, "USD", 2), [money(7, "USD", 2), money(1, "USD", 2)].max
    # Another exponent of the same currency compares by value.
    assert_equal 0, money(100, "TWD", 0) <=> money(10_000, "TWD", 2)
    assert_operator money(100, "TWD", 0), :<, money(10_001, "TWD", 2)
  end

  def test_same_currency_arithmetic
    assert_equal money(3000, "USD", 2), money(1999, "USD", 2) + money(1001, "USD", 2)
    assert_equal money(-2, "USD", 2), money(1999, "USD", 2) - money(2001, "USD", 2)
    assert_equal money(-1999, "USD", 2), -money(1999, "USD", 2)
    assert_equal money(1999, "USD", 2), money(-1999, "USD", 2).abs
    assert_equal money(5997, "USD", 2), money(1999, "USD", 2) * 3
    assert_raises(TypeError) { money(1999, "USD", 2) * 1.5 }
    # Different exponents of one currency (PayPal's TWD has 0, Stripe's 2): exact, at the larger.
    assert_equal money(10_050, "TWD", 2), money(100, "TWD", 0) + money(50, "TWD", 2)
    assert_equal money(9_950, "TWD", 2), money(100, "TWD", 0) - money(50, "TWD", 2)
    # No exact limit on size: Integer minor units grow past 64 bits.
    assert_equal money(2 * (2**63 - 1), "USD", 2), money(2**63 - 1, "USD", 2) + money(2**63 - 1, "USD", 2)
    error = assert_raises(Billtap::Money::CurrencyMismatch) { money(1, "USD", 2) + money(1, "EUR", 2) }
    assert_includes error.message, "different currencies"
    assert_raises(Billtap::Money::CurrencyMismatch) { money(1, "USD", 2) - money(1, "EUR", 2) }
    assert_raises(TypeError) { money(1, "USD", 2) + 1 }
    assert_raises(TypeError) { 1 + money(1, "USD", 2) }
  end

  def test_sum_and_zero
    amounts = [money(1999, "EUR", 2), money(1, "EUR", 2), money(-500, "EUR", 2)]
    assert_equal money(1500, "EUR", 2), amounts.sum
    assert_equal money(1500, "EUR", 2), Billtap::Money.sum(amounts)
    assert_equal money(1500, "EUR", 2), Billtap::Money.sum(amounts, currency: "EUR", exponent: 2)
    assert_equal money(0, "EUR", 2), Billtap::Money.sum([], currency: "EUR", exponent: 2)
    assert_raises(ArgumentError) { Billtap::Money.sum([]) }
    assert_raises(Billtap::Money::CurrencyMismatch) { Billtap::Money.sum(amounts, currency: "USD", exponent: 2) }
    assert_raises(Billtap::Money::CurrencyMismatch) { (amounts + [money(1, "USD", 2)]).sum }
    assert_predicate money(0, "JPY", 0), :zero?
    refute_predicate money(1, "JPY", 0), :zero?
    assert_predicate money(-1, "JPY", 0), :negative?
    assert_predicate money(1, "JPY", 0), :positive?
    assert_equal money(0, "KWD", 3), Billtap::Money.zero("KWD", 3)
  end

  def test_json_is_to_h
    m = money(21_699, "JPY", 0)
    assert_equal({ "amount" => 21_699, "currency" => "JPY", "currency_exponent" => 0 }, m.to_h)
    assert_equal m.to_h, JSON.parse(m.to_json)
    assert_equal m.to_h, JSON.parse(JSON.generate({ "total" => m }))["total"]
    assert_equal [m.to_h], JSON.parse([m].to_json)
  end

  def test_pattern_matching
    case money(1999, "USD", 2)
    in { currency: "USD", minor_units: Integer => cents, exponent: 2 }
      assert_equal 1999, cents
    end
  end

  # The money gem (ruby-money) when it is installed: built from the decimal amount, so its
  # own exponent for the currency holds.
  def test_to_money
    begin
      require "money"
    rescue LoadError
      skip_loudly("the money gem is not installed (gem install money, or Debian ruby-money)")
    end
    ::Money.locale_backend = nil if ::Money.respond_to?(:locale_backend=)
    ::Money.rounding_mode = BigDecimal::ROUND_HALF_EVEN if ::Money.respond_to?(:rounding_mode=)
    # PayPal's TWD has no decimal places, the gem's two: 100 TWD is 10000 of the gem's cents.
    twd = money(100, "TWD", 0).to_money
    assert_equal 10_000, twd.cents
    assert_equal BigDecimal("100"), twd.to_d
    assert_equal "TWD", twd.currency.iso_code
    assert_equal 1999, money(1999, "USD", 2).to_money.cents
    assert_equal 500, money(500, "JPY", 0).to_money.cents
    assert_equal 1234, money(1234, "KWD", 3).to_money.cents
    assert_equal(-1250, money(-1250, "USD", 2).to_money.cents)
    # More places than the gem's currency has: refused, never rounded.
    error = assert_raises(ArgumentError) { money(1234, "USD", 3).to_money }
    assert_includes error.message, "1.234 USD"
  end

  def test_immutable_and_strict
    m = money(1999, "USD", 2)
    assert_predicate m, :frozen?
    assert_predicate m.currency, :frozen?
    assert_raises(ArgumentError) { money(19.99, "USD", 2) }
    assert_raises(ArgumentError) { money(1999, "USD", -1) }
  end
end
