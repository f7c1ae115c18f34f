# frozen_string_literal: true

require "ffi"
require_relative "library"

module Billtap
  # The C ABI of libbilltap.so.0, declared one-to-one (include/billtap.h). Nothing here
  # owns memory or raises: Client, Iterator and Record wrap it.
  # @api private
  module Native
    extend FFI::Library

    # Where the library was found (Library.load: BILLTAP_LIB, pkg-config, the system).
    LIBRARY_PATH = Library.load(self)
    # For another FFI::Library over the same copy (ffi_lib Billtap::Native::LIBRARY_NAMES).
    LIBRARY_NAMES = [LIBRARY_PATH].freeze

    # Status codes (billtap_status). Stable: never renumbered.
    OK = 0
    ITEROVER = 1
    STATUS = {
      EINVAL: -1, ENOMEM: -2, EVERSION: -3, EUNKNOWN_PROVIDER: -4, EUNKNOWN_SETTING: -5,
      ESETTING: -6, EUNSUPPORTED: -7, ENETWORK: -8, ETIMEOUT: -9, EAUTH: -10,
      EPERMISSION: -11, ERATELIMIT: -12, EREQUEST: -13, ESERVER: -14, EPARSE: -15,
      EDATA: -16, ECHECKPOINT: -17, ECANCELED: -18, ENOTFOUND: -19, ETYPE: -20,
      ETRANSPORT: -21, EUSAGE: -22, EPLUGIN: -23
    }.freeze
    STATUS.each { |name, code| const_set(name, code) }

    # billtap_field_type
    TYPE_STRING = 1
    TYPE_INT = 2
    TYPE_BOOL = 3
    TYPE_TIME = 4
    TYPE_MONEY = 5

    TIME_NONE = -(2**63)
    ITER_OPTIONS_VERSION = 2
    ITER_INCREMENTAL = 0x1

    # billtap_iter_options, version 2 (flags since 0.2). Grows only by appending; filled in
    # by billtap_iter_options_init since the C macro is out of reach.
    class IterOptions < FFI::Struct
      layout :version, :uint,
             :since, :int64,
             :checkpoint, :pointer,
             :flags, :uint

      # The token's memory is kept referenced by the struct: a pointer field alone would
      # not keep it from the garbage collector before billtap_iter_new has copied it.
      def checkpoint=(text)
        @checkpoint = text && FFI::MemoryPointer.from_string(text)
        self[:checkpoint] = @checkpoint || FFI::Pointer::NULL
      end
    end

    typedef :pointer, :client
    typedef :pointer, :iter
    typedef :pointer, :record

    attach_function :billtap_version, %i[pointer pointer pointer], :string
    attach_function :billtap_strerror, [:int], :string
    attach_function :billtap_global_init, [], :int
    attach_function :billtap_provider_names, %i[pointer size_t], :size_t

    # The data model's tables (resources, record kinds, fields): the binding reads them at
    # load time instead of hard-coding them, so a library with more follows without a gem
    # change.
    attach_function :billtap_resource_name, [:int], :string
    attach_function :billtap_resource_from_name, %i[pointer string], :int
    attach_function :billtap_resource_kind, [:int], :int
    attach_function :billtap_record_kind_name, [:int], :string
    attach_function :billtap_record_kind_from_name, %i[pointer string], :int
    attach_function :billtap_record_kind_nested, %i[pointer int], :int
    attach_function :billtap_field_name, [:int], :string
    attach_function :billtap_field_from_name, %i[pointer string], :int
    attach_function :billtap_field_type_of, [:int], :int
    attach_function :billtap_record_kind_fields, %i[pointer size_t int], :int
    attach_function :billtap_field_nullable, %i[int int], :int
    attach_function :billtap_field_vocabulary, %i[pointer size_t int int], :int

    attach_function :billtap_record_kind_of, [:record], :int
    attach_function :billtap_record_id, [:record], :string
    attach_function :billtap_record_get_str, %i[pointer record int], :int
    attach_function :billtap_record_get_int, %i[pointer record int], :int
    attach_function :billtap_record_item_count, [:record], :size_t
    attach_function :billtap_record_item, %i[record size_t], :record
    attach_function :billtap_record_json, %i[record pointer], :pointer
    attach_function :billtap_record_raw_json, %i[record pointer], :pointer

    attach_function :billtap_time_parse, %i[pointer string], :int

    attach_function :billtap_client_new, %i[pointer string pointer], :int
    attach_function :billtap_client_set, %i[client string string], :int
    attach_function :billtap_client_provider, [:client], :string
    attach_function :billtap_client_free, [:client], :void
    attach_function :billtap_client_error_message, [:client], :string
    attach_function :billtap_client_error_code, [:client], :int
    attach_function :billtap_client_error_http_status, [:client], :int
    attach_function :billtap_client_error_request_id, [:client], :string
    attach_function :billtap_client_error_provider_code, [:client], :string

    attach_function :billtap_iter_options_init, %i[pointer uint], :int
    # _new may one day resolve or connect; _next sends requests, sleeps between retries
    # and waits out rate limits. Both release the GVL so other Ruby threads run meanwhile.
    attach_function :billtap_iter_new, %i[pointer client int pointer], :int, blocking: true
    attach_function :billtap_iter_next, %i[pointer iter], :int, blocking: true
    attach_function :billtap_iter_checkpoint, %i[pointer iter], :int
    attach_function :billtap_iter_cancel, [:iter], :void
    attach_function :billtap_iter_stats, %i[pointer pointer pointer iter], :int
    attach_function :billtap_iter_free, [:iter], :void

    # ---- 0.2: metrics, log events, rate limiters ----

    ITER_METRICS_VERSION = 1
    LOG_EVENT_VERSION = 1
    LOG_LEVELS = { debug: 1, info: 2, warn: 3, error: 4 }.freeze

    # billtap_iter_metrics, version 1.
    class IterMetrics < FFI::Struct
      layout :version, :uint,
             :requests, :uint64, :retries, :uint64, :pages, :uint64, :records, :uint64,
             :skipped_records, :uint64, :bytes, :uint64, :rate_limited, :uint64,
             :waits, :uint64, :wait_ms, :uint64
    end

    # billtap_log_event, version 1 (read-only: built by the library).
    class LogEvent < FFI::Struct
      layout :version, :uint, :level, :int, :event, :pointer, :message, :pointer,
             :provider, :pointer, :resource, :pointer, :method, :pointer, :path, :pointer,
             :http_status, :int, :attempt, :int, :wait_ms, :int64, :request_id, :pointer,
             :code, :int, :record_id, :pointer, :raw_json, :pointer, :raw_len, :size_t
    end

    callback :log_fn, %i[pointer pointer], :void
    typedef :pointer, :limiter

    attach_function :billtap_iter_metrics_get, %i[pointer iter], :int
    # ---- 0.2: incremental passes ----
    attach_function :billtap_iter_sync_token, %i[pointer iter], :int
    attach_function :billtap_iter_checkpoint_before, %i[pointer iter], :int
    # How many records _next hands over from what it holds, without a request or a wait:
    # those are taken through billtap_iter_next_queued, the same C function attached
    # without releasing the GVL (releasing and retaking it costs more than the call).
    attach_function :billtap_iter_queued, [:iter], :size_t
    attach_function :billtap_iter_next_queued, :billtap_iter_next, %i[pointer iter], :int
    attach_function :billtap_record_deleted, [:record], :int
    attach_function :billtap_provider_sync_method, %i[pointer string int], :int
    attach_function :billtap_client_set_log, %i[client log_fn int pointer], :int
    attach_function :billtap_limiter_new, %i[pointer double double], :int
    # Opens, creates and locks a file: may wait on the file system.
    attach_function :billtap_limiter_open, %i[pointer string double double pointer size_t], :int,
                    blocking: true
    attach_function :billtap_limiter_free, [:limiter], :void
    attach_function :billtap_client_set_limiter, %i[client limiter], :int
  end
end
