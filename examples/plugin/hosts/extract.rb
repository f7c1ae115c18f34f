# frozen_string_literal: true

# Loads a provider plugin from Ruby and prints one resource as JSON lines:
#
#   ruby extract.rb PLUGIN.so RESOURCE [KEY=VALUE]... [--stop-after N FILE] [--resume FILE]
#
# KEY=VALUE are the provider's settings (api_key=..., base_url=...); --stop-after writes
# the checkpoint after N records to FILE; --resume continues from such a FILE. Needs the
# billtap gem (or -I bindings/ruby/lib) and libbilltap.so.0 (or BILLTAP_LIB).
require "billtap"

plugin, resource, *rest = ARGV
abort "usage: ruby extract.rb PLUGIN.so RESOURCE [KEY=VALUE]... [--stop-after N FILE] [--resume FILE]" unless resource

settings = {}
stop_after = checkpoint_file = resume = nil
until rest.empty?
  case (arg = rest.shift)
  when "--stop-after" then stop_after, checkpoint_file = Integer(rest.shift), rest.shift
  when "--resume" then resume = File.read(rest.shift).strip
  when /\A(\w+)=(.*)\z/m then settings[Regexp.last_match(1).to_sym] = Regexp.last_match(2)
  else abort "extract.rb: unknown argument #{arg}"
  end
end

begin
  provider = Billtap.load_plugin(plugin)
  Billtap::Client.open(provider, **settings) do |client|
    listing = client.list(resource, checkpoint: resume)
    records = stop_after ? listing.first(stop_after) : listing
    records.each { |record| puts record.to_json }
    File.write(checkpoint_file, "#{listing.checkpoint}\n") if checkpoint_file
  end
rescue Billtap::Error => e
  abort "extract.rb: #{e.message}"
end
