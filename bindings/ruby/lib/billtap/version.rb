# frozen_string_literal: true

module Billtap
  # The gem's version. The C library's is Billtap.version (they may differ: the gem
  # works with any libbilltap.so.0).
  VERSION = "0.1.0"
end
