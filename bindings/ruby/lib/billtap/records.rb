# frozen_string_literal: true

require "json"

module Billtap
  # A normalized record (docs/data-model.md), copied out of the C record when the iterator
  # returned it, so it outlives the next call and can be kept, shared and sent to other
  # threads. Frozen, and so are its values.
  #
  # There is one subclass per record kind of the loaded library (Customer, Plan,
  # Subscription, SubscriptionItem, Transaction, Invoice, InvoiceLine, and a class made at
  # load time for a kind this gem does not know yet), each built from the library's own
  # description of the kind (Billtap::Model): every field has a reader named after its JSON
  # name (and a `?` form for booleans); the nested records of a kind have a reader named
  # after their JSON member (Subscription#items, Invoice#lines).
  # Times are UTC Time objects (a fresh, unfrozen copy from each call, so localtime works);
  # money fields are Billtap::Money, built from the record's
  # currency and currency_exponent (which keep their own readers too); a null is nil, and
  # only a nullable field is ever null.
  class Record
    TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
    private_constant :TIME_FORMAT

    BY_KIND = {} # record kind value => class
    BY_NAME = {} # record kind name ("customer") => class
    private_constant :BY_KIND, :BY_NAME

    class << self
      # :customer, :plan, ... (the JSON "object" member, as a Symbol); nil for a class whose
      # kind the loaded library does not have (an older library).
      def kind
        @model&.name&.to_sym
      end

      # The kind's fields (Billtap::Model::Field: name, type, nullable?, vocabulary), in
      # JSON order.
      def fields
        @model ? @model.fields : []
      end

      # Names of this kind's fields, in JSON order.
      def field_names
        fields.map(&:name)
      end

      # The JSON member that lists the nested records ("items", "lines"), or nil.
      def nested_member
        @model&.nested_member
      end

      # @api private: :time or :money for a field read through a conversion, else nil.
      def conversion(name)
        @conversions&.[](name)
      end

      # @api private: true for a field name of this kind.
      def field?(name)
        @field_names ? @field_names.key?(name) : false
      end

      # @api private: the class of a record kind by its JSON "object" name, or nil.
      def class_named_in_json(name)
        BY_NAME[name]
      end

      # The class of the nested records (SubscriptionItem for Subscription), or nil.
      def nested_class
        @model&.nested_value && BY_KIND[@model.nested_value]
      end

      # The words a string field takes (see Billtap.vocabulary).
      def vocabulary(field)
        raise ArgumentError, "#{self} has no record kind in the loaded library" unless @model

        @model.field(field).vocabulary
      end

      # The class of a record kind: class_for(:invoice) => Billtap::Invoice. Also takes the
      # kind's C value. ArgumentError for a kind the loaded library does not have.
      def class_for(kind)
        value = kind.is_a?(Integer) ? kind : Model.kind(kind).value
        BY_KIND.fetch(value) { raise ArgumentError, "unknown record kind #{kind.inspect}" }
      end

      # Makes the class of every kind the library names: the hand-written class of that
      # name (below) when there is one, a new one otherwise (Billtap::CreditNote for
      # "credit_note", so a newer library's kind reads without a gem change).
      # @api private
      def define_kinds
        Model.kinds.each_value do |model|
          class_named(model.name).describe(model)
        end
      end

      # @api private
      def describe(model)
        @model = model
        BY_KIND[model.value] = self
        BY_NAME[model.name] = self
        # Fields kept as the JSON has them and converted when read: times (RFC 3339 text)
        # and money (minor units).
        @conversions = model.fields.filter_map { |f| [f.name, f.type] if %i[time money].include?(f.type) }
                            .to_h.freeze
        @field_names = model.fields.to_h { |f| [f.name, true] }.freeze
        model.fields.each { |field| define_reader(field) }
        define_nested_reader(model.nested_member) if model.nested_member
      end

      private

      def class_named(kind_name)
        const = kind_name.split("_").map(&:capitalize).join
        existing = Billtap.const_get(const, false) if Billtap.const_defined?(const, false)
        return existing if existing.is_a?(Class) && existing < Record

        # A kind named like another Billtap constant (Money, Client) lives under Record.
        home = existing ? Record : Billtap
        home.const_set(const, Class.new(Record))
      end

      def define_reader(field)
        name = field.name
        # A future field named like an Object method ("hash") keeps only #[] and #to_h.
        return if reserved?(name)

        define_method(name) { value_of(name) }
        define_method("#{name}?") { @values[name] } if field.type == :bool && !reserved?("#{name}?")
      end

      def define_nested_reader(member)
        define_method(member) { @nested } unless reserved?(member)
      end

      def reserved?(name)
        Record.method_defined?(name) || Record.private_method_defined?(name)
      end
    end

    # @api private: Records are made by iterators (see Reader). values is the record's
    # JSON (billtap_record_json) parsed and frozen, or the tombstone's fields.
    def initialize(values, nested, raw_json, tombstone: false)
      @values = values.freeze
      @nested = nested.freeze
      @raw_json = raw_json
      @tombstone = tombstone
      freeze
    end

    # True for a tombstone from an incremental pass (docs/incremental.md): the provider
    # deleted the record with this id. It has its id and every other field nil (a
    # customer's deleted? is true); to_h is {"object", "id", "deleted" => true}.
    def tombstone?
      @tombstone
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
      raise KeyError, "#{self.class.kind} has no field #{name}" unless self.class.field?(name)

      value_of(name)
    end

    # For pattern matching, with Symbol keys: the field readers' values, the nested records
    # under their member (:items, :lines) and the kind under :object.
    #   case record
    #   in { object: :invoice, status: "open", total: { currency: "EUR" } } then ...
    def deconstruct_keys(keys)
      names = keys ? keys.map(&:to_s) : [*@values.keys, "object", self.class.nested_member].compact
      names.each_with_object({}) do |name, hash|
        if name == "object"
          hash[:object] = self.class.kind
        elsif name == self.class.nested_member
          hash[name.to_sym] = @nested
        elsif self.class.field?(name)
          hash[name.to_sym] = value_of(name)
        end
      end
    end

    # The normalized JSON shape as a Hash with String keys, equal to
    # JSON.parse(billtap_record_json) and to a truth-file line: "object" first, times as
    # RFC 3339 UTC strings, money as its minor-unit Integer, nested records as an array
    # under their member ("items", "lines").
    def to_h
      return { "object" => self.class.kind.to_s, "id" => @values["id"], "deleted" => true } if @tombstone

      # The values are the library's JSON already: times as its text, money as minor units.
      hash = { "object" => self.class.kind.to_s }
      self.class.fields.each { |field| hash[field.name] = @values[field.name] }
      hash[self.class.nested_member] = @nested.map(&:to_h) if self.class.nested_member
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
      shown = self.class.fields.map { |f| "#{f.name}=#{value_of(f.name).inspect}" }
      shown << "#{self.class.nested_member}=#{@nested.size}" if self.class.nested_member
      "#<#{self.class} #{shown.join(' ')}>"
    end

    protected

    # Times are made from the record's text at each call, so each caller has its own
    # unfrozen Time (Time#localtime changes its receiver, so a frozen Time would raise, and
    # a shared one would change the record). Money is made at each call too: a frozen value
    # object, equal to every other made from the same amount. Converting when read, not
    # when the record is copied out, keeps reading a record that is only stored or
    # compared (to_h, ==) cheap.
    def value_of(name)
      value = @values[name]
      return value if value.nil?

      case self.class.conversion(name)
      when :time then Record.time_from_json(value)
      when :money then Money.new(value, @values["currency"], @values["currency_exponent"])
      else value
      end
    end

    # @api private: the library writes times as "YYYY-MM-DDTHH:MM:SSZ" (UTC, whole
    # seconds); anything else is a DataError rather than a guess.
    def self.time_from_json(text)
      if text.bytesize == 20 && text.getbyte(19) == 90 # "Z"
        time = Time.utc(text[0, 4].to_i, text[5, 2].to_i, text[8, 2].to_i,
                        text[11, 2].to_i, text[14, 2].to_i, text[17, 2].to_i)
        return time if time.strftime(TIME_FORMAT) == text
      end
      raise DataError.new("billtap: #{text.inspect} is not a time as the library writes it",
                          code: Native::EDATA)
    end

    def values_for_equality
      [@values, @nested, @tombstone]
    end

    # Copies C records into Ruby objects: each record's JSON (billtap_record_json: one call
    # into C, where reading field by field took one per field) parsed by Ruby's JSON
    # extension, frozen. One per iterator: it reuses its out-parameter buffer, so it is
    # used under the client's lock only.
    # @api private
    class Reader
      def initialize
        @str = FFI::MemoryPointer.new(:pointer)
        @len = FFI::MemoryPointer.new(:size_t)
      end

      # Everything is copied before returning: the C record dies at the next _next.
      def read(record)
        return tombstone(class_of(record), record) if Native.billtap_record_deleted(record) == 1

        pointer = Native.billtap_record_json(record, @len)
        # Out of memory is the one way it fails; the record stays, so calling again retries.
        raise Error.from_code(Native::ENOMEM, "billtap: out of memory writing a record's JSON") if pointer.null?

        values = JSON.parse(pointer.read_string(@len.read(:size_t)).force_encoding(Encoding::UTF_8),
                            freeze: true)
        build(values, record)
      end

      private

      # A Record from the parsed JSON of a C record (top-level or nested) and the record.
      def build(values, record)
        klass = Record.class_named_in_json(values["object"]) or
          raise UsageError.new("billtap: record of kind #{values['object'].inspect}, which the library did not list",
                               code: Native::EUSAGE) # kinds are read from this very library
        member = klass.nested_member
        nested = member ? values.fetch(member).each_with_index.map { |item, i| build(item, Native.billtap_record_item(record, i)) } : []
        klass.new(values, nested, raw_json(record))
      end

      # Only the id is set (and a customer's deleted): the rest of its fields are nil, even
      # those never null in other records.
      def tombstone(klass, record)
        values = klass.fields.to_h { |field| [field.name, nil] }
        values["id"] = Native.billtap_record_id(record).force_encoding(Encoding::UTF_8).freeze
        values["deleted"] = true if values.key?("deleted")
        klass.new(values, [], nil, tombstone: true)
      end

      def class_of(record)
        kind = Native.billtap_record_kind_of(record)
        Record.class_for(kind)
      rescue ArgumentError
        # Kinds are read from this very library at load time: this is a bug, not data.
        raise UsageError.new("billtap: record of kind #{kind}, which the library did not list",
                             code: Native::EUSAGE)
      end

      def raw_json(record)
        pointer = Native.billtap_record_raw_json(record, @len)
        return nil if pointer.null?

        pointer.read_string(@len.read(:size_t)).force_encoding(Encoding::UTF_8).freeze
      end
    end
  end

  # The classes of the kinds this gem documents; Record.define_kinds gives them their
  # readers from the library's tables (docs/data-model.md lists the fields).

  # customer: id, email, name, country, created_at, deleted (deleted?).
  class Customer < Record; end

  # plan: id, name, product_id, product_name, amount (Money), amount_decimal (exact, a
  # decimal String in minor units), currency, currency_exponent, usage_type, tiers_mode,
  # tiers (JSON text), custom_amount (custom_amount?), custom_amount_minimum,
  # custom_amount_maximum, custom_amount_preset, setup_fee (Money), interval_unit,
  # interval_count, total_cycles, trial_days, trial_amount (Money), trial_cycles, active
  # (active?), created_at.
  class Plan < Record; end

  # subscription: id, customer_id, status, provider_status, started_at,
  # current_period_start, current_period_end, trial_start, trial_end, canceled_at,
  # cancel_at_period_end (cancel_at_period_end?), cancel_at, ended_at, paused (paused?; nil
  # when the provider does not say), pause_behavior, resumes_at, discounts (JSON text),
  # created_at, and items (SubscriptionItem, provider's order).
  class Subscription < Record; end

  # subscription_item: id (nil when the provider gives items no id: the item is then
  # identified by its subscription's id and its position in #items), plan_id, quantity,
  # usage_type, amount (Money), amount_decimal, currency, currency_exponent,
  # current_period_start, current_period_end.
  class SubscriptionItem < Record; end

  # transaction: id, customer_id, subscription_id, invoice_id, kind (payment, refund,
  # chargeback, reversal, fee, payout, transfer, conversion, adjustment, other), result
  # (succeeded, failed, pending, authorized, other), provider_status, amount (Money),
  # currency, currency_exponent, captured_amount, refunded_amount, fee_amount, net_amount
  # (Money, nil when the provider does not say), parent_id, occurred_at.
  class Transaction < Record; end

  # invoice: id, number, customer_id, subscription_id, status (draft, open, paid, void,
  # uncollectible, other), provider_status, currency, currency_exponent, subtotal,
  # discount, tax, total, amount_paid, amount_due (Money; amount_paid and amount_due nil
  # when the provider does not report them), created_at, issued_at, due_at, paid_at,
  # voided_at, period_start, period_end, and lines (InvoiceLine, provider's order).
  class Invoice < Record; end

  # invoice_line: id (nil when the provider gives lines no id: see SubscriptionItem), kind
  # (subscription, proration, one_off, discount, tax, other), plan_id, description,
  # quantity, amount (Money, after the line's own discounts), currency, currency_exponent,
  # period_start, period_end, proration (proration?).
  class InvoiceLine < Record; end

  Record.define_kinds
end
