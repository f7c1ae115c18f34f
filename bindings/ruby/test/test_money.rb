# frozen_string_literal: true

require_relative "test_helper"

class TestMoney < Minitest::Test
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
    assert_nil money(100, "USD", 2) <=> money(100, "EUR", 2)
    assert_raises(ArgumentError) { money(100, "USD", 2) < money(100, "EUR", 2) }
  end

  def test_immutable_and_strict
    m = money(1999, "USD", 2)
    assert_predicate m, :frozen?
    assert_predicate m.currency, :frozen?
    assert_raises(ArgumentError) { money(19.99, "USD", 2) }
    assert_raises(ArgumentError) { money(1999, "USD", -1) }
  end
end
