# frozen_string_literal: true

require "bigdecimal"

module Billtap
  # An exact amount of money: Integer minor units of a currency, with the number of decimal
  # places the provider uses for it (Stripe: 0 for JPY, 3 for KWD). Never a Float.
  class Money
    include Comparable

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

    # The value in major units, exactly: BigDecimal("19.99").
    def to_d
      BigDecimal("#{minor_units}e-#{exponent}")
    end

    # The value in major units as a Rational, exactly.
    def to_r
      Rational(minor_units, 10**exponent)
    end

    # "19.99 USD", "500 JPY", "-0.050 KWD": all the provider's decimal places, no rounding.
    def to_s
      digits = minor_units.abs.to_s
      if exponent.positive?
        digits = digits.rjust(exponent + 1, "0")
        digits = "#{digits[0...-exponent]}.#{digits[-exponent..]}"
      end
      "#{'-' if minor_units.negative?}#{digits} #{currency}"
    end

    def inspect
      "#<Billtap::Money #{self}>"
    end

    # Ordered within one currency and exponent only (nil, not comparable, otherwise), so
    # that <=> and == agree: see ==.
    def <=>(other)
      return nil unless other.is_a?(Money) && other.currency == currency && other.exponent == exponent

      minor_units <=> other.minor_units
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

    def to_h
      { "amount" => minor_units, "currency" => currency, "currency_exponent" => exponent }
    end
  end
end
