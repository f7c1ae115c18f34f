# The Ruby gem (bindings/ruby) reading one resource, each record copied into its Ruby
# object as an application would see it.
#
# usage: BILLTAP_LIB=BUILD/src/libbilltap.so.0 ruby -I bindings/ruby/lib billtap_ruby.rb \
#          PROVIDER RESOURCE SETTINGS_FILE
# SETTINGS_FILE holds KEY=VALUE lines (the sandbox's settings line). Prints the number of
# records; exits 1 on the first error, after printing how many came before it.
require "billtap"

provider, resource, settings_path = ARGV
settings = File.readlines(settings_path, chomp: true).reject(&:empty?).to_h do |line|
  key, value = line.split("=", 2)
  [key.to_sym, value]
end
client = Billtap::Client.new(provider, **settings)
n = 0
begin
  client.list(resource.to_sym).each do |record|
    record.id
    n += 1
  end
rescue Billtap::Error => e
  warn "billtap-ruby: after #{n} records: #{e.message}"
  puts n
  exit 1
end
puts n
