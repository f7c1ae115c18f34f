# frozen_string_literal: true

require "bigdecimal"
require "json"

module Billtap
  # An exact amount of money: Integer minor units of a currency, with the number of decimal
  # places the provider uses for it (Stripe: 0 for JPY, 3 for KWD; PayPal: 0 for TWD, where
  # Stripe and ISO 4217 say 2). Never a Float.
  #
  # Arithmetic and ordering work within one currency: +, -, unary -, abs, * Integer, <=>
  # (Comparable) and Array#sum (0 + money is money). Amounts of one currency with different
  # exponents (TWD from PayPal and from Stripe) are rescaled to the larger exponent, exactly.
  # Mixing currencies raises CurrencyMismatch, an ArgumentError.
  #
  # == and eql? (and so Hash keys) compare what the provider said: minor units, currency
  # and exponent, so 1.00 USD (exponent 2) and 1.000 USD (exponent 3) differ there while
  # <=> calls them equal. Compare values with <=> or to_r.
  class Money
    include Comparable

    # Raised by arithmetic and comparison between amounts of two currencies.
    class CurrencyMismatch < ArgumentError; end

    # Integer, in minor units ("cents").
    attr_reader :minor_units
    # Upper-case ISO 4217 code, "USD".
    attr_reader :currency
    # Decimal places: the value is minor_units / 10**exponent.
    attr_reader :exponent

    def initialize(minor_units, currency, exponent)
      raise ArgumentError, "minor_units must be an Integer" unless minor_units.is_a?(Integer)
      raise ArgumentError, "exponent must be a non-negative Integer" unless exponent.is_a?(Integer) && exponent >= 0

      @minor_units = minor_units
      @currency = currency.to_s.dup.freeze
      @exponent = exponent
      freeze
    end

    class << self
      # Zero of a currency: Money.zero("USD", 2).
      def zero(currency, exponent)
        new(0, currency, exponent)
      end

      # The total of amounts of one currency. An empty list needs currency: and exponent:
      # (its total is their zero); a non-empty one may name them to check every amount.
      #   Money.sum(invoices.map(&:total))  Money.sum([], currency: "EUR", exponent: 2)
      def sum(amounts, currency: nil, exponent: nil)
        amounts = amounts.to_a
        if amounts.empty?
          raise ArgumentError, "Money.sum of nothing needs currency: and exponent:" unless currency && exponent

          return zero(currency, exponent)
        end
        start = currency ? zero(currency, exponent || amounts.first.exponent) : amounts.first
        (currency ? amounts : amounts.drop(1)).reduce(start) { |total, amount| total + amount }
      end
    end

    # The value in major units, exactly: BigDecimal("19.99").
    def to_d
      BigDecimal(decimal)
    end

    # The value in major units as a Rational, exactly.
    def to_r
      Rational(minor_units, 10**exponent)
    end

    # The amount as a money gem ::Money (https://rubymoney.github.io/money), built from the
    # decimal amount, so the gem's own idea of the currency's exponent is respected: PayPal's
    # 100 TWD (exponent 0) becomes the gem's 10000 TWD cents (exponent 2), not 100 cents.
    # Requires "money" when it is not loaded yet (the gem is not a dependency of billtap).
    # Raises ArgumentError when the gem's currency has fewer decimal places than this amount
    # needs (it would round), and the gem's UnknownCurrency for a currency it lacks.
    def to_money
      require "money" unless defined?(::Money::Currency)
      gem_money = ::Money.from_amount(to_d, currency)
      return gem_money if gem_money.to_d == to_d

      raise ArgumentError, "#{self} does not fit the money gem's #{currency} " \
                           "(#{gem_money.currency.exponent} decimal places): it would round to #{gem_money.to_d.to_s('F')}"
    rescue LoadError => e
      raise LoadError, "Billtap::Money#to_money needs the money gem (gem install money): #{e.message}"
    end

    # "19.99 USD", "500 JPY", "-0.050 KWD": all the provider's decimal places, no rounding.
    def to_s
      "#{decimal} #{currency}"
    end

    def inspect
      "#<Billtap::Money #{self}>"
    end

    def zero?
      minor_units.zero?
    end

    def positive?
      minor_units.positive?
    end

    def negative?
      minor_units.negative?
    end

    def -@
      Money.new(-minor_units, currency, exponent)
    end

    def abs
      negative? ? -self : self
    end

    # Same-currency sum; rescaled to the larger exponent when the two differ.
    def +(other)
      combine(other, "add") { |a, b| a + b }
    end

    def -(other)
      combine(other, "subtract") { |a, b| a - b }
    end

    # Times an Integer (a quantity); nothing else, which could not stay exact.
    def *(other)
      raise TypeError, "Billtap::Money can be multiplied by an Integer only, not #{other.class}" unless other.is_a?(Integer)

      Money.new(minor_units * other, currency, exponent)
    end

    # Lets Integer 0 start a sum, so [money, ...].sum works; anything else is a TypeError.
    def coerce(other)
      return [Money.zero(currency, exponent), self] if other.is_a?(Integer) && other.zero?

      raise TypeError, "#{other.class} can't be coerced into Billtap::Money (only 0, as Array#sum starts with)"
    end

    # Ordered by value within one currency (exponents may differ); nil for a non-Money;
    # CurrencyMismatch for another currency, which has no order against this one.
    def <=>(other)
      return nil unless other.is_a?(Money)

      check_currency(other, "compare")
      a, b = rescaled(other)
      a <=> b
    end

    # Equal when the same value in the same currency with the same exponent: the exponent
    # is part of what the provider said, so 1.00 USD (exp 2) and 1.000 USD (exp 3) differ.
    def ==(other)
      other.is_a?(Money) && minor_units == other.minor_units &&
        currency == other.currency && exponent == other.exponent
    end
    alias eql? ==

    def hash
      [Money, minor_units, currency, exponent].hash
    end

    # The members of a record's JSON: { "amount" => minor units, "currency" => ...,
    # "currency_exponent" => ... }.
    def to_h
      { "amount" => minor_units, "currency" => currency, "currency_exponent" => exponent }
    end

    # The JSON of to_h: {"amount":1999,"currency":"USD","currency_exponent":2}.
    def to_json(*args)
      to_h.to_json(*args)
    end

    # For pattern matching: in { minor_units:, currency:, exponent: }.
    def deconstruct_keys(_keys)
      { minor_units: minor_units, currency: currency, exponent: exponent }
    end

    private

    # "-0.050": the minor units with the decimal point placed, every digit kept.
    def decimal
      digits = minor_units.abs.to_s
      if exponent.positive?
        digits = digits.rjust(exponent + 1, "0")
        digits = "#{digits[0...-exponent]}.#{digits[-exponent..]}"
      end
      "#{'-' if minor_units.negative?}#{digits}"
    end

    def combine(other, verb)
      raise TypeError, "cannot #{verb} #{other.class} and Billtap::Money: both must be Billtap::Money" unless other.is_a?(Money)

      check_currency(other, verb)
      a, b = rescaled(other)
      Money.new(yield(a, b), currency, [exponent, other.exponent].max)
    end

    # Both amounts' minor units at the larger of the two exponents.
    def rescaled(other)
      scale = [exponent, other.exponent].max
      [minor_units * 10**(scale - exponent), other.minor_units * 10**(scale - other.exponent)]
    end

    def check_currency(other, operation)
      return if other.currency == currency

      raise CurrencyMismatch, "cannot #{operation} #{self} and #{other}: different currencies"
    end
  end
end
