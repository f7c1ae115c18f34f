# frozen_string_literal: true

require "json"

module Billtap
  # A normalized record (docs/data-model.md), copied out of the C record when the iterator
  # returned it, so it outlives the next call and can be kept, shared and sent to other
  # threads. Frozen, and so are its values.
  #
  # Every field has a reader named after its JSON name (and a `?` form for booleans).
  # Times are UTC Time objects; money fields (BILLTAP_TYPE_MONEY) are Billtap::Money, built from the
  # record's currency and currency_exponent (which keep their own readers too).
  class Record
    # One normalized field, as the C library describes it.
    # @api private
    Field = Struct.new(:id, :name, :type, :money)

    TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
    private_constant :TIME_FORMAT

    class << self
      # :customer, :plan, ... (the JSON "object" member, as a Symbol).
      attr_reader :kind
      # @api private
      attr_reader :fields

      # Fields come from the loaded library (billtap_record_kind_fields), in JSON order, so
      # the readers and #to_h follow the library the process actually runs with.
      def kind_of_record(kind)
        @kind = kind
        @fields = native_fields(Native::RECORD_KINDS.fetch(kind)).freeze
        @fields.each { |field| define_reader(field) }
        BY_KIND[Native::RECORD_KINDS.fetch(kind)] = self
      end

      # Names of this kind's fields, in JSON order.
      def field_names
        fields.map(&:name)
      end

      private

      def native_fields(kind_value)
        count = Native.billtap_record_kind_fields(nil, 0, kind_value)
        raise Error.from_code(count) if count.negative?

        buffer = FFI::MemoryPointer.new(:int, count)
        Native.billtap_record_kind_fields(buffer, count, kind_value)
        names = buffer.read_array_of_int(count).to_h { |id| [Native.billtap_field_name(id), id] }
        names.map do |name, id|
          type = Native.billtap_field_type_of(id)
          # Money fields are typed as such; their currency is the record's one currency
          # (data-model.md).
          money = type == Native::TYPE_MONEY
          Field.new(id, name.dup.force_encoding(Encoding::UTF_8).freeze, type, money)
        end
      end

      def define_reader(field)
        name = field.name
        # A future field named like an Object method ("hash") keeps only #[] and #to_h.
        return if Record.method_defined?(name) || Record.private_method_defined?(name)

        define_method(name) { @values[name] }
        define_method("#{name}?") { @values[name] } if field.type == Native::TYPE_BOOL
      end
    end

    BY_KIND = {} # record kind value => class
    private_constant :BY_KIND

    # @api private
    def self.class_for(kind_value)
      BY_KIND.fetch(kind_value) do
        raise UsageError.new("record kind #{kind_value} is newer than this binding",
                             code: Native::EUSAGE)
      end
    end

    # @api private: Records are made by iterators (see Reader).
    def initialize(values, items, raw_json)
      @values = values.freeze
      @items = items.freeze
      @raw_json = raw_json
      freeze
    end

    # The provider's own JSON text this record was made from (nil if there was none).
    attr_reader :raw_json

    # The provider's object, parsed (frozen); nil if there was none.
    def raw
      @raw_json && JSON.parse(@raw_json, freeze: true)
    end

    # A field's value by its JSON name (String or Symbol); nil for a null field.
    def [](name)
      name = name.to_s
      raise KeyError, "#{self.class.kind} has no field #{name}" unless @values.key?(name)

      @values[name]
    end

    # The normalized JSON shape as a Hash with String keys, equal to
    # JSON.parse(billtap_record_json) and to a truth-file line: times as RFC 3339 UTC
    # strings, money as its minor-unit Integer, subscription items as an "items" array.
    def to_h
      hash = { "object" => self.class.kind.to_s }
      self.class.fields.each do |field|
        value = @values[field.name]
        hash[field.name] =
          case value
          when Time then value.strftime(TIME_FORMAT)
          when Money then value.minor_units
          else value
          end
      end
      hash["items"] = @items.map(&:to_h) if self.class.method_defined?(:items)
      hash
    end

    def to_json(*args)
      to_h.to_json(*args)
    end

    def ==(other)
      other.class == self.class && other.values_for_equality == values_for_equality
    end
    alias eql? ==

    def hash
      [self.class, values_for_equality].hash
    end

    def inspect
      shown = self.class.fields.map { |f| "#{f.name}=#{@values[f.name].inspect}" }
      shown << "items=#{@items.size}" if self.class.method_defined?(:items)
      "#<#{self.class} #{shown.join(' ')}>"
    end

    protected

    def values_for_equality
      [@values, @items]
    end

    # Copies C records into Ruby objects. One per iterator: it reuses its out-parameter
    # buffers, so it is used under the client's lock only.
    # @api private
    class Reader
      def initialize
        @str = FFI::MemoryPointer.new(:pointer)
        @int = FFI::MemoryPointer.new(:int64)
        @len = FFI::MemoryPointer.new(:size_t)
      end

      # Everything is copied before returning: the C record dies at the next _next.
      def read(record)
        klass = Record.class_for(Native.billtap_record_kind_of(record))
        values = {}
        klass.fields.each { |field| values[field.name] = value(record, field) }
        klass.fields.each do |field|
          next unless field.money && values[field.name]

          values[field.name] = Money.new(values[field.name], values["currency"],
                                         values["currency_exponent"])
        end
        items = Array.new(Native.billtap_record_item_count(record)) do |i|
          read(Native.billtap_record_item(record, i))
        end
        klass.new(values, items, raw_json(record))
      end

      private

      def value(record, field)
        if field.type == Native::TYPE_STRING
          rc = Native.billtap_record_get_str(@str, record, field.id)
          return @str.read_pointer.read_string.force_encoding(Encoding::UTF_8).freeze if rc.zero?
        else
          rc = Native.billtap_record_get_int(@int, record, field.id)
          return convert(@int.read_int64, field.type) if rc.zero?
        end
        return nil if rc == Native::ENOTFOUND

        raise Error.from_code(rc, "#{Native.billtap_strerror(rc)}: field #{field.name}")
      end

      def convert(int, type)
        case type
        when Native::TYPE_BOOL then int != 0
        when Native::TYPE_TIME then Time.at(int).utc.freeze
        else int
        end
      end

      def raw_json(record)
        pointer = Native.billtap_record_raw_json(record, @len)
        return nil if pointer.null?

        pointer.read_string(@len.read(:size_t)).force_encoding(Encoding::UTF_8).freeze
      end
    end
  end

  # customer: id, email, name, country, created_at, deleted (deleted?).
  class Customer < Record
    kind_of_record :customer
  end

  # plan: id, name, product_id, amount (Money), currency, currency_exponent, interval_unit,
  # interval_count, trial_days, active (active?), created_at.
  class Plan < Record
    kind_of_record :plan
  end

  # subscription_item: id, plan_id, quantity, amount (Money), currency, currency_exponent.
  class SubscriptionItem < Record
    kind_of_record :subscription_item
  end

  # subscription: id, customer_id, status, provider_status, started_at,
  # current_period_start, current_period_end, trial_end, canceled_at, cancel_at_period_end
  # (cancel_at_period_end?), created_at, and items (SubscriptionItem, provider's order).
  class Subscription < Record
    # Frozen Array of SubscriptionItem.
    attr_reader :items

    kind_of_record :subscription
  end

  # transaction: id, customer_id, subscription_id, invoice_id, kind ("payment", "refund"),
  # result, provider_status, amount (Money), currency, currency_exponent, refunded_amount
  # (Money), parent_id, occurred_at.
  class Transaction < Record
    kind_of_record :transaction
  end
end
