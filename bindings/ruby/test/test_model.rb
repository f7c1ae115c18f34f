# frozen_string_literal: true

require_relative "test_helper"

# The record classes follow the library's own tables: every kind, field, nested member and
# resource the loaded library reports has its reader in the binding.
class TestModel < Minitest::Test
  # The record-building calls of the provider SPI (<billtap/provider.h>), to make records
  # no provider of the sandbox makes: nested records without an id.
  module Build
    extend FFI::Library
    ffi_lib Billtap::Native::LIBRARY_NAMES
    attach_function :billtap_record_new, %i[pointer int], :int
    attach_function :billtap_record_add_item, %i[pointer pointer], :int
    attach_function :billtap_record_set_str, %i[pointer int string size_t], :int
    attach_function :billtap_record_set_int, %i[pointer int int64], :int
    attach_function :billtap_record_free, [:pointer], :void
  end

  # Independent of the library: the kinds, resources and nested members
  # docs/data-model.md documents for 0.1.0. The library may have more, never fewer.
  DOCUMENTED_KINDS = %i[customer plan subscription transaction subscription_item invoice invoice_line].freeze
  DOCUMENTED_RESOURCES = %i[customers plans subscriptions transactions invoices].freeze

  def each_library_kind
    count = 0
    (1..).each do |value|
      name = Billtap::Native.billtap_record_kind_name(value) or break
      yield value, name
      count += 1
    end
    assert_operator count, :>=, DOCUMENTED_KINDS.size
  end

  def library_fields(kind)
    n = Billtap::Native.billtap_record_kind_fields(nil, 0, kind)
    buffer = FFI::MemoryPointer.new(:int, n)
    Billtap::Native.billtap_record_kind_fields(buffer, n, kind)
    buffer.read_array_of_int(n)
  end

  def test_every_kind_and_field_has_a_reader
    each_library_kind do |value, name|
      klass = Billtap::Record.class_for(name.to_sym)
      assert_operator klass, :<, Billtap::Record
      assert_same klass, Billtap::Record.class_for(value)
      assert_equal name.to_sym, klass.kind
      ids = library_fields(value)
      assert_equal ids.map { |id| Billtap::Native.billtap_field_name(id) }, klass.field_names
      ids.each do |id|
        field = Billtap::Native.billtap_field_name(id)
        assert klass.public_method_defined?(field), "#{klass}##{field}"
        if Billtap::Native.billtap_field_type_of(id) == Billtap::Native::TYPE_BOOL
          assert klass.public_method_defined?("#{field}?"), "#{klass}##{field}?"
        end
        assert_equal Billtap::Native.billtap_field_nullable(value, id) == 1,
                     klass.fields.find { |f| f.name == field }.nullable?, "#{name}.#{field} nullable"
      end
      member = FFI::MemoryPointer.new(:pointer)
      nested = Billtap::Native.billtap_record_kind_nested(member, value)
      if nested.positive?
        assert_equal member.read_pointer.read_string, klass.nested_member
        assert klass.public_method_defined?(klass.nested_member), "#{klass}##{klass.nested_member}"
        assert_same Billtap::Record.class_for(nested), klass.nested_class
      else
        assert_nil klass.nested_member
      end
    end
  end

  def test_the_documented_kinds_have_their_named_classes
    assert_equal DOCUMENTED_KINDS, Billtap.record_kinds.first(DOCUMENTED_KINDS.size)
    assert_equal %w[Customer Plan Subscription Transaction SubscriptionItem Invoice InvoiceLine],
                 DOCUMENTED_KINDS.map { |kind| Billtap::Record.class_for(kind).name.split("::").last }
    assert_equal "items", Billtap::Subscription.nested_member
    assert_equal "lines", Billtap::Invoice.nested_member
    assert_same Billtap::InvoiceLine, Billtap::Invoice.nested_class
    assert Billtap::Model.kind(:subscription_item).field(:id).nullable?, "a nested record may lack an id"
    assert Billtap::Model.kind(:invoice_line).field(:id).nullable?, "a nested record may lack an id"
    refute Billtap::Model.kind(:invoice).field(:id).nullable?
    assert_equal :money, Billtap::Model.kind(:invoice).field(:tax).type
    # Amounts a provider may not report are nil, not a made-up 0.
    assert Billtap::Model.kind(:transaction).field(:refunded_amount).nullable?
    assert Billtap::Model.kind(:invoice).field(:amount_paid).nullable?
    assert Billtap::Model.kind(:invoice).field(:amount_due).nullable?
    refute Billtap::Model.kind(:invoice).field(:total).nullable?
  end

  def test_every_resource_has_a_listing_method
    assert_equal DOCUMENTED_RESOURCES, Billtap.resources.first(DOCUMENTED_RESOURCES.size)
    (1..).each do |value|
      name = Billtap::Native.billtap_resource_name(value) or break
      assert_includes Billtap.resources, name.to_sym
      assert Billtap::Client.public_method_defined?(name), "Client##{name}"
      assert Billtap::Record.class_for(Billtap::Native.billtap_resource_kind(value)), "class for #{name}'s records"
    end
  end

  # The C library's vocabulary of a field, read here apart from Billtap::Model.
  def library_vocabulary(kind, field)
    n = Billtap::Native.billtap_field_vocabulary(nil, 0, kind, field)
    return [] unless n.positive?

    words = FFI::MemoryPointer.new(:pointer, n)
    Billtap::Native.billtap_field_vocabulary(words, n, kind, field)
    words.read_array_of_pointer(n).map(&:read_string)
  end

  # Every closed vocabulary of every kind is the library's, word for word and in order: a
  # word the gem dropped, reordered or added fails here.
  def test_vocabularies_are_the_librarys
    closed = 0
    each_library_kind do |value, name|
      library_fields(value).each do |id|
        field = Billtap::Native.billtap_field_name(id)
        words = library_vocabulary(value, id)
        assert_equal words, Billtap.vocabulary(name, field), "#{name}.#{field}"
        assert_equal words, Billtap::Record.class_for(value).vocabulary(field), "#{name}.#{field}"
        closed += 1 unless words.empty?
      end
    end
    assert_operator closed, :>=, 6, "the library reports closed vocabularies"
  end

  def test_vocabularies
    assert_equal %w[draft open paid void uncollectible other], Billtap.vocabulary(:invoice, :status)
    assert_equal Billtap.vocabulary(:invoice, "status"), Billtap::Invoice.vocabulary(:status)
    assert_includes Billtap.vocabulary(:subscription, :status), "past_due"
    assert_includes Billtap.vocabulary(:invoice_line, :kind), "proration"
    # The words docs/data-model.md documents (a later library may append more); "other"
    # keeps a movement no other word fits (Chargebee payment_reversal, Recurly void).
    documented = {
      %i[transaction kind] => %w[payment refund chargeback reversal fee payout transfer conversion adjustment other],
      %i[transaction result] => %w[succeeded failed pending authorized other],
      %i[plan usage_type] => %w[licensed metered other],
      %i[subscription_item usage_type] => %w[licensed metered other],
      %i[plan tiers_mode] => %w[graduated volume other],
      %i[subscription pause_behavior] => %w[keep_as_draft mark_uncollectible void other]
    }
    documented.each do |(kind, field), words|
      assert_empty words - Billtap.vocabulary(kind, field), "#{kind}.#{field}"
    end
    assert_equal [], Billtap.vocabulary(:customer, :email), "free text"
    assert_equal [], Billtap.vocabulary(:plan, :tiers), "JSON text, no vocabulary"
    assert_predicate Billtap.vocabulary(:invoice, :status), :frozen?
    assert_raises(ArgumentError) { Billtap.vocabulary(:invoice, :nope) }
    assert_raises(ArgumentError) { Billtap.vocabulary(:nope, :status) }
  end

  # What a kind this gem has no class for gets: a class of its own with every reader.
  def test_a_kind_unknown_to_the_gem_gets_a_generic_class
    fields = [
      Billtap::Model::Field.new(1, "id", :string, false, []),
      Billtap::Model::Field.new(9, "currency", :string, false, []),
      Billtap::Model::Field.new(10, "currency_exponent", :int, false, []),
      Billtap::Model::Field.new(37, "total", :money, false, []),
      Billtap::Model::Field.new(46, "proration", :bool, false, []),
      Billtap::Model::Field.new(2, "created_at", :time, true, [])
    ]
    model = Billtap::Model::Kind.new(10_000, "test_credit_note", fields.freeze, nil, nil).freeze
    klass = Billtap::Record.send(:class_named, model.name)
    klass.describe(model)
    assert_same Billtap::TestCreditNote, klass
    total = Billtap::Money.new(-250, "EUR", 2)
    # Values as the record's JSON has them (Record.new is the reader's).
    note = klass.new({ "object" => "test_credit_note", "id" => "cn_1", "currency" => "EUR",
                       "currency_exponent" => 2, "total" => -250, "proration" => true,
                       "created_at" => nil }, [], nil)
    assert_equal total, note.total
    assert_equal true, note.proration?
    assert_nil note.created_at
    assert_equal({ "object" => "test_credit_note", "id" => "cn_1", "currency" => "EUR", "currency_exponent" => 2,
                   "total" => -250, "proration" => true, "created_at" => nil }, note.to_h)
  ensure
    Billtap.send(:remove_const, :TestCreditNote) if Billtap.const_defined?(:TestCreditNote, false)
  end

  def kind_value(name)
    Billtap::Model.kind(name).value
  end

  def field_value(name)
    out = FFI::MemoryPointer.new(:int)
    assert_equal 0, Billtap::Native.billtap_field_from_name(out, name)
    out.read_int
  end

  # Nested records without an id (Chargebee and Paddle items have none): nil, and the
  # parent's id with the position identifies them.
  def test_nested_records_without_ids
    out = FFI::MemoryPointer.new(:pointer)
    assert_equal 0, Build.billtap_record_new(out, kind_value(:invoice))
    invoice = out.read_pointer
    begin
      { "id" => "inv_9", "status" => "open", "currency" => "EUR" }.each do |field, text|
        assert_equal 0, Build.billtap_record_set_str(invoice, field_value(field), text, text.bytesize)
      end
      { "currency_exponent" => 2, "subtotal" => 900, "discount" => 0, "tax" => 0, "total" => 900,
        "amount_paid" => 0, "amount_due" => 900 }.each do |field, value|
        assert_equal 0, Build.billtap_record_set_int(invoice, field_value(field), value)
      end
      assert_equal 0, Build.billtap_record_set_int(invoice, field_value("created_at"), 1_714_521_600)
      [450, 450].each do |amount|
        assert_equal 0, Build.billtap_record_add_item(out, invoice)
        line = out.read_pointer
        assert_equal 0, Build.billtap_record_set_str(line, field_value("kind"), "subscription", 12)
        assert_equal 0, Build.billtap_record_set_str(line, field_value("currency"), "EUR", 3)
        assert_equal 0, Build.billtap_record_set_int(line, field_value("currency_exponent"), 2)
        assert_equal 0, Build.billtap_record_set_int(line, field_value("amount"), amount)
        assert_equal 0, Build.billtap_record_set_int(line, field_value("proration"), 0)
      end
      json = JSON.parse(Billtap::Native.billtap_record_json(invoice, nil).read_string)
      record = Billtap::Record::Reader.new.read(invoice)
    ensure
      Build.billtap_record_free(invoice)
    end
    assert_equal json, record.to_h
    assert_equal [nil, nil], record.lines.map(&:id)
    assert_equal [nil, nil], json["lines"].map { |line| line["id"] }
    assert_equal record.lines[0], record.lines[1], "equal values: identity is the position"
  end

  # Sets every field the library lists for the record's kind (a word of its vocabulary
  # for a closed one), so a field the library gains is set here without a change.
  def fill(record, kind)
    library_fields(kind).each do |id|
      name = Billtap::Native.billtap_field_name(id)
      words = library_vocabulary(kind, id)
      rc = case Billtap::Native.billtap_field_type_of(id)
           when Billtap::Native::TYPE_STRING
             text = if name == "currency" then "EUR"
                    elsif words.empty? then "#{name} \"q\" <&> \u00e9 #{id}"
                    else words[id % words.size]
                    end
             Build.billtap_record_set_str(record, id, text, text.bytesize)
           when Billtap::Native::TYPE_BOOL then Build.billtap_record_set_int(record, id, id % 2)
           when Billtap::Native::TYPE_TIME then Build.billtap_record_set_int(record, id, 1_714_521_600 + (id * 3661))
           when Billtap::Native::TYPE_MONEY
             Build.billtap_record_set_int(record, id, (id.odd? ? -1 : 1) * (1000 + id))
           else Build.billtap_record_set_int(record, id, name == "currency_exponent" ? 2 : 100 + id)
           end
      assert_equal 0, rc, "setting #{name}"
    end
  end

  # Every field of a C record read through billtap_record_get_str/_get_int: name => String
  # or Integer (times as Unix seconds, money as minor units, booleans as 0/1).
  def c_fields(c_record)
    library_fields(Billtap::Native.billtap_record_kind_of(c_record)).to_h do |id|
      name = Billtap::Native.billtap_field_name(id)
      if Billtap::Native.billtap_field_type_of(id) == Billtap::Native::TYPE_STRING
        out = FFI::MemoryPointer.new(:pointer)
        assert_equal 0, Billtap::Native.billtap_record_get_str(out, c_record, id), name
        [name, out.read_pointer.read_string.force_encoding("UTF-8")]
      else
        out = FFI::MemoryPointer.new(:int64)
        assert_equal 0, Billtap::Native.billtap_record_get_int(out, c_record, id), name
        [name, out.read_int64]
      end
    end
  end

  # A reader's value in c_fields' terms.
  def comparable(value)
    case value
    when Time then value.to_i
    when Billtap::Money then value.minor_units
    when true then 1
    when false then 0
    else value
    end
  end

  RUBY_TYPES = { Billtap::Native::TYPE_STRING => String, Billtap::Native::TYPE_INT => Integer,
                 Billtap::Native::TYPE_BOOL => [TrueClass, FalseClass], Billtap::Native::TYPE_TIME => Time,
                 Billtap::Native::TYPE_MONEY => Billtap::Money }.freeze

  # A record of each top-level kind with every field set (and two nested records likewise):
  # each reader gives a value of its field's Ruby type, and to_h is the C library's JSON.
  def test_every_field_set_reads_back
    Billtap.resources.each do |resource|
      kind = Billtap::Native.billtap_resource_kind(Billtap::Model.resources.fetch(resource))
      out = FFI::MemoryPointer.new(:pointer)
      assert_equal 0, Build.billtap_record_new(out, kind)
      parent = out.read_pointer
      begin
        fill(parent, kind)
        nested = Billtap::Native.billtap_record_kind_nested(FFI::MemoryPointer.new(:pointer), kind)
        (nested.positive? ? 2 : 0).times do
          assert_equal 0, Build.billtap_record_add_item(out, parent)
          fill(out.read_pointer, nested)
        end
        json = JSON.parse(Billtap::Native.billtap_record_json(parent, nil).read_string)
        record = Billtap::Record::Reader.new.read(parent)
        # The second path: each field read from the C record by its accessor.
        c_values = [parent, *Array.new(Billtap::Native.billtap_record_item_count(parent)) do |i|
          Billtap::Native.billtap_record_item(parent, i)
        end].map { |c_record| c_fields(c_record) }
      ensure
        Build.billtap_record_free(parent)
      end
      assert_equal json, record.to_h
      [record, *(record.class.nested_member ? record.public_send(record.class.nested_member) : [])]
        .zip(c_values).each do |r, c_fields|
        library_fields(Billtap::Model.kind(r.class.kind).value).each do |id|
          name = Billtap::Native.billtap_field_name(id)
          value = r.public_send(name)
          assert_includes Array(RUBY_TYPES.fetch(Billtap::Native.billtap_field_type_of(id))), value.class,
                          "#{r.class.kind}.#{name} = #{value.inspect}"
          assert_equal c_fields.fetch(name), comparable(value), "#{r.class.kind}.#{name}: the reader against the C accessor"
        end
      end
    end
  end
end
