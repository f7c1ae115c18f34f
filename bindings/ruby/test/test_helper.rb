# frozen_string_literal: true

require_relative "build_dir"
# This tree's lib, not an installed billtap gem: `ruby test/test_x.rb` tests the source.
$LOAD_PATH.unshift(File.expand_path("../lib", __dir__)) unless $LOAD_PATH.include?(File.expand_path("../lib", __dir__))
require "minitest/autorun"
require "time"
require "billtap"
require_relative "sandbox"

module SandboxTest
  def sandbox
    Sandbox.shared
  end

  def truth(resource)
    sandbox.truth(resource)
  end

  # Records' to_h, sorted like the truth files (by id, byte order).
  def hashes(records)
    records.map(&:to_h).sort_by { |h| h["id"].b }
  end

  def assert_no_duplicate_ids(records)
    ids = records.map { |r| r.is_a?(Hash) ? r["id"] : r.id }
    assert_equal ids.size, ids.uniq.size, "duplicate ids"
  end

  # Every record of a resource, read from the same C record twice: [the C library's own
  # billtap_record_json, parsed; the binding's Record]. The JSON is the second path that
  # to_h must equal.
  def records_with_c_json(client, resource)
    pairs = []
    client.native do |native_client|
      out = FFI::MemoryPointer.new(:pointer)
      iter_out = FFI::MemoryPointer.new(:pointer)
      rc = Billtap::Native.billtap_iter_new(iter_out, native_client, Billtap::Iterator.resource_value(resource), nil)
      raise Billtap::Error.from_client(native_client, rc) if rc.negative?

      iter = iter_out.read_pointer
      reader = Billtap::Record::Reader.new
      begin
        while (rc = Billtap::Native.billtap_iter_next(out, iter)).zero?
          record = out.read_pointer
          json = Billtap::Native.billtap_record_json(record, nil).read_string.force_encoding("UTF-8")
          pairs << [JSON.parse(json), reader.read(record)]
        end
        raise Billtap::Error.from_client(native_client, rc) if rc.negative?
      ensure
        Billtap::Native.billtap_iter_free(iter)
      end
    end
    pairs
  end

  # A skip that says so on stderr as well (and test/run counts it apart from the passes),
  # for a test whose ground truth is not there yet.
  def skip_loudly(why)
    warn "\nSKIPPED: #{self.class}##{name}: #{why}" # on a line of its own, for test/run
    skip why
  end

  def skip_unless_served(resource)
    return if sandbox.served?(resource)

    skip_loudly("billtap-sandbox writes no #{resource}.jsonl: no truth to compare #{resource} with yet")
  end

  # C iterators still allocated for a client (a Client, or the address of its C handle,
  # which stays meaningful after close).
  def live_iterators(client)
    client = client.instance_variable_get(:@handle).address if client.is_a?(Billtap::Client)
    Billtap::Handles.live_iterators(client)
  end
end
