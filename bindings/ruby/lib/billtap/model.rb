# frozen_string_literal: true

module Billtap
  # The data model as the loaded library describes it (billtap_resource_name,
  # billtap_record_kind_fields, billtap_field_nullable, ...), read once at load time. Record
  # classes, their readers and the client's listing methods are built from it, so a library
  # with a new resource, kind or field is followed without a gem change.
  module Model
    # One field of one record kind. type is :string, :int, :bool, :time or :money (:unknown
    # for a type newer than this gem); vocabulary is the closed list of words a string field
    # takes (empty for free text).
    Field = Struct.new(:id, :name, :type, :nullable, :vocabulary) do
      def nullable?
        nullable
      end

      def money?
        type == :money
      end
    end

    # One record kind: its fields in JSON order, and the kind nested in it (with the JSON
    # member that lists them: "items", "lines"), or nil.
    Kind = Struct.new(:value, :name, :fields, :nested_value, :nested_member) do
      # The Field named name (String or Symbol); ArgumentError when the kind has none.
      def field(name)
        name = name.to_s
        fields.find { |f| f.name == name } or
          raise ArgumentError, "#{self.name} has no field #{name} (fields: #{fields.map(&:name).join(', ')})"
      end
    end

    TYPES = { Native::TYPE_STRING => :string, Native::TYPE_INT => :int, Native::TYPE_BOOL => :bool,
              Native::TYPE_TIME => :time, Native::TYPE_MONEY => :money }.freeze
    private_constant :TYPES

    class << self
      # Resource name (Symbol) => billtap_resource value, in the library's order.
      attr_reader :resources

      # Kind value => Kind, in the library's order.
      attr_reader :kinds

      # The Kind named name (:invoice, "invoice"); ArgumentError for a kind the library lacks.
      def kind(name)
        name = name.to_s
        kinds.each_value { |kind| return kind if kind.name == name }
        raise ArgumentError, "unknown record kind #{name.inspect} (known: #{kinds.values.map(&:name).join(', ')})"
      end

      # @api private
      def load
        @resources = names_from_one { |value| Native.billtap_resource_name(value) }
                     .to_h { |value, name| [name.to_sym, value] }.freeze
        @kinds = names_from_one { |value| Native.billtap_record_kind_name(value) }
                 .to_h { |value, name| [value, read_kind(value, name)] }.freeze
      end

      private

      # [value, name] for 1, 2, ... until the library has no name: the tables are dense, and
      # a NULL name is their documented end.
      def names_from_one
        (1..).lazy.map { |value| [value, yield(value)] }.take_while { |_, name| name }
             .map { |value, name| [value, utf8(name)] }.to_a
      end

      def read_kind(value, name)
        member = FFI::MemoryPointer.new(:pointer)
        nested = Native.billtap_record_kind_nested(member, value)
        nested_member = nested.positive? && !member.read_pointer.null? ? utf8(member.read_pointer.read_string) : nil
        Kind.new(value, name, read_fields(value).freeze, nested.positive? ? nested : nil, nested_member).freeze
      end

      def read_fields(kind)
        count = Native.billtap_record_kind_fields(nil, 0, kind)
        raise Error.from_code(count, "billtap: cannot read the fields of record kind #{kind}") if count.negative?

        buffer = FFI::MemoryPointer.new(:int, count)
        Native.billtap_record_kind_fields(buffer, count, kind)
        buffer.read_array_of_int(count).map do |id|
          Field.new(id, utf8(Native.billtap_field_name(id)), TYPES.fetch(Native.billtap_field_type_of(id), :unknown),
                    Native.billtap_field_nullable(kind, id) == 1, vocabulary(kind, id)).freeze
        end
      end

      def vocabulary(kind, field)
        count = Native.billtap_field_vocabulary(nil, 0, kind, field)
        return [].freeze unless count.positive?

        words = FFI::MemoryPointer.new(:pointer, count)
        Native.billtap_field_vocabulary(words, count, kind, field)
        words.read_array_of_pointer(count).map { |word| utf8(word.read_string) }.freeze
      end

      def utf8(text)
        text.dup.force_encoding(Encoding::UTF_8).freeze
      end
    end

    load
  end

  class << self
    # The resources the loaded library can list ([:customers, :plans, ..., :invoices]);
    # each has a Client method of its name (Client#invoices) and works with Client#list.
    def resources
      Model.resources.keys
    end

    # The record kinds of the loaded library ([:customer, ..., :invoice, :invoice_line]).
    def record_kinds
      Model.kinds.values.map { |kind| kind.name.to_sym }
    end

    # The words a string field of a record kind takes, in documentation order:
    # Billtap.vocabulary(:invoice, :status) => ["draft", "open", "paid", ...]. Empty for
    # free text. A later library may add words: treat an unknown one like "other".
    # ArgumentError for an unknown kind or field.
    def vocabulary(kind, field)
      Model.kind(kind).field(field).vocabulary
    end
  end
end
