# frozen_string_literal: true

require "json"
require "tmpdir"
require "fileutils"
require "io/wait"

# One billtap-sandbox process (BILLTAP_SANDBOX), listening on 127.0.0.1 on a free port,
# with its truth files in a temporary directory and the settings a client needs (its
# "settings:" line). Stopped with SIGTERM by #stop.
class Sandbox
  API_KEY = "sk_test_sandbox"
  # The resources the binding tests compare with truth; a sandbox that does not serve one
  # yet writes no truth file for it (see #served?).
  RESOURCES = %w[customers plans subscriptions transactions invoices].freeze
  STARTUP_TIMEOUT = 20

  attr_reader :url, :settings, :truth_dir, :provider

  # The sandbox most tests share (no faults, no rate limit), started on first use.
  def self.shared
    @shared ||= new.tap { |sandbox| Minitest.after_run { sandbox.stop } }
  end

  # A sandbox of its own, stopped when the block ends.
  def self.with(**options)
    sandbox = new(**options)
    yield sandbox
  ensure
    sandbox&.stop
  end

  # The providers the sandbox has a module for (its --help lists each module).
  def self.modules
    binary = ENV.fetch("BILLTAP_SANDBOX")
    IO.popen([binary, "--help"], err: %i[child out], &:read).scan(/--provider (\S+), module options/).flatten
  end

  def initialize(faults: nil, rate_limit: 0, scale: 300, provider: "stripe")
    @provider = provider
    binary = ENV.fetch("BILLTAP_SANDBOX") { raise "BILLTAP_SANDBOX is not set and #{BuildDir.path} has no tests/sandbox/billtap-sandbox: build it (meson setup build && ninja -C build) or run test/run BUILD_DIR" }
    @truth_dir = Dir.mktmpdir("billtap-ruby-truth")
    args = [binary, "--provider", provider, "--port", "0", "--seed", "42", "--scale", scale.to_s,
            "--truth", @truth_dir, "--rate-limit", rate_limit.to_s]
    args += ["--faults", faults] if faults
    reader, writer = IO.pipe
    @pid = Process.spawn(*args, out: writer, err: File.join(@truth_dir, "stderr.log"))
    writer.close
    @url = read_url(reader)
    @settings = read_settings(reader)
    # Keep the pipe open: closing it would make the sandbox's later prints fail.
    @stdout = reader
  rescue StandardError
    stop
    raise
  end

  # The normalized records the sandbox holds, one Hash per truth-file line, sorted by id.
  def truth(resource)
    @truth ||= {}
    @truth[resource.to_s] ||=
      File.foreach(File.join(@truth_dir, "#{resource}.jsonl")).map { |line| JSON.parse(line) }.freeze
  end

  # Whether the sandbox serves a resource: it writes a truth file for each one it serves.
  def served?(resource)
    File.exist?(File.join(@truth_dir, "#{resource}.jsonl"))
  end

  # The RESOURCES this sandbox serves.
  def resources
    RESOURCES.select { |resource| served?(resource) }
  end

  # A client of the sandbox's provider, made from its settings line (which carries
  # rate_limit: "0" when the sandbox limits nothing, its --rate-limit otherwise); extra
  # settings are passed on.
  def client(**extra, &block)
    Billtap::Client.open(provider.to_sym, **settings, **extra, &block)
  end

  def stop
    if @pid
      begin
        Process.kill("TERM", @pid)
        unless wait_for_exit(5)
          Process.kill("KILL", @pid)
          Process.wait(@pid)
        end
      rescue Errno::ESRCH, Errno::ECHILD
        nil
      end
      @pid = nil
    end
    @stdout&.close
    @stdout = nil
    FileUtils.remove_entry(@truth_dir) if @truth_dir && File.directory?(@truth_dir)
  end

  private

  def read_url(reader)
    unless reader.wait_readable(STARTUP_TIMEOUT) && (line = reader.gets)
      raise "billtap-sandbox printed nothing in #{STARTUP_TIMEOUT} s: #{stderr_log}"
    end
    line[%r{\Alistening on (http://127\.0\.0\.1:\d+)}, 1] or
      raise "unexpected first line from billtap-sandbox: #{line.inspect} #{stderr_log}"
  end

  # "settings: api_key=... base_url=..." as a Hash with Symbol keys.
  def read_settings(reader)
    line = reader.wait_readable(STARTUP_TIMEOUT) && reader.gets
    raise "no settings line from billtap-sandbox: #{line.inspect} #{stderr_log}" unless line&.start_with?("settings: ")

    line.delete_prefix("settings: ").split.to_h { |kv| kv.split("=", 2).then { |k, v| [k.to_sym, v] } }
  end

  def stderr_log
    File.read(File.join(@truth_dir, "stderr.log"))
  rescue SystemCallError
    ""
  end

  def wait_for_exit(seconds)
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + seconds
    while Process.clock_gettime(Process::CLOCK_MONOTONIC) < deadline
      return true if Process.wait(@pid, Process::WNOHANG)

      sleep 0.02
    end
    false
  end
end
