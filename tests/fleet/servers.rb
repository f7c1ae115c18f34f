# frozen_string_literal: true

require "fileutils"
require "socket"

# The real servers the fleet test runs, each on loopback in its own temporary directory:
# PostgreSQL (Debian's postgresql-15: initdb and pg_ctl; as root it runs as the postgres
# user, since PostgreSQL refuses root), redis-server, billtap-sandbox (a fleet of accounts)
# and Sidekiq processes.
module FleetServers
  module_function

  def free_port
    server = TCPServer.new("127.0.0.1", 0)
    server.addr[1]
  ensure
    server&.close
  end

  def wait_for(what, timeout: 30)
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
    until yield
      raise "#{what}: not ready after #{timeout} s" if Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline

      sleep 0.1
    end
  end

  class Postgres
    BIN = "/usr/lib/postgresql/15/bin"
    attr_reader :port

    def initialize(dir)
      @dir = File.join(dir, "pg")
      @data = File.join(@dir, "data")
      @port = FleetServers.free_port
      FileUtils.mkdir_p(@dir)
      @as = []
      if Process.uid.zero?
        FileUtils.chown_R("postgres", "postgres", @dir)
        @as = %w[runuser -u postgres --]
      end
      run("#{BIN}/initdb", "-D", @data, "-U", "fleet", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions")
    end

    def run(*cmd)
      out = IO.popen([*@as, *cmd, { err: %i[child out] }], &:read)
      raise "#{cmd.first(2).join(' ')} failed: #{out}" unless $?.success?
    end

    # fsync=off: the test never loses the machine, only the server (an immediate stop is a
    # crash of PostgreSQL, after which it recovers from its WAL as after a real one).
    def start
      run("#{BIN}/pg_ctl", "-D", @data, "-l", File.join(@dir, "log"), "-w", "-t", "60", "-o",
          "-c listen_addresses=127.0.0.1 -p #{@port} -k #{@dir} -c fsync=off -c max_connections=80", "start")
    end

    def crash_restart
      run("#{BIN}/pg_ctl", "-D", @data, "-m", "immediate", "-w", "stop")
      start
    end

    def stop
      run("#{BIN}/pg_ctl", "-D", @data, "-m", "fast", "-w", "stop")
    rescue StandardError
      nil
    end

    def conninfo(db = "fleet")
      "host=127.0.0.1 port=#{@port} dbname=#{db} user=fleet connect_timeout=5"
    end
  end

  class Redis
    attr_reader :port

    def initialize(dir)
      @dir = File.join(dir, "redis")
      FileUtils.mkdir_p(@dir)
      @port = FleetServers.free_port
      @pid = Process.spawn("redis-server", "--bind", "127.0.0.1", "--port", @port.to_s, "--dir", @dir,
                           "--save", "", "--appendonly", "no", out: File.join(@dir, "log"), err: %i[child out])
      FleetServers.wait_for("redis-server") { (TCPSocket.new("127.0.0.1", @port).close || true) rescue false }
    end

    def url
      "redis://127.0.0.1:#{@port}/0"
    end

    def stop
      Process.kill("TERM", @pid)
      Process.wait(@pid)
    rescue StandardError
      nil
    end
  end

  # billtap-sandbox --accounts N: accounts => {name => {"provider", "settings"}}.
  class Sandbox
    attr_reader :accounts, :truth_dir

    def initialize(binary, dir, args)
      @truth_dir = File.join(dir, "truth")
      reader, writer = IO.pipe
      @pid = Process.spawn(binary, "--port", "0", "--truth", @truth_dir, *args, out: writer,
                                                                               err: File.join(dir, "sandbox.log"))
      writer.close
      reader.gets
      settings = reader.gets or raise "the sandbox did not start: #{File.read(File.join(dir, 'sandbox.log'))}"
      @stdout = reader
      file = settings[/accounts_file=(\S+)/, 1]
      @accounts = File.readlines(file, chomp: true).to_h do |line|
        name, provider, *rest = line.split(" ")
        [name, { "provider" => provider.delete_prefix("provider="), "settings" => rest.to_h { |kv| kv.split("=", 2) } }]
      end
    end

    def url(account)
      @accounts.fetch(account)["settings"].fetch("base_url")
    end

    def stop
      Process.kill("TERM", @pid)
      Process.wait(@pid)
    rescue StandardError
      nil
    end
  end

  # One Sidekiq process (bin/sidekiq from ruby-sidekiq) loading examples/sidekiq/boot.rb.
  class SidekiqProcess
    attr_reader :pid, :name

    def initialize(name, dir, env, concurrency:)
      @name = name
      @log = File.join(dir, "#{name}.log")
      @env = env
      @concurrency = concurrency
    end

    # Jobs this run of the process started and did not finish (done or fail), from its log.
    def in_flight
      log = File.exist?(@log) ? File.binread(@log)[@offset..] || "" : ""
      log.scan(/INFO: start$/).size - log.scan(/INFO: (?:done|fail)$/).size
    end

    def start
      @offset = File.exist?(@log) ? File.size(@log) : 0
      boot = File.expand_path("../../examples/sidekiq/boot.rb", __dir__)
      @pid = Process.spawn(@env, "sidekiq", "-r", boot, "-q", "fleet", "-c", @concurrency.to_s, "-t", "2",
                           out: [@log, "a"], err: %i[child out])
    end

    def kill
      Process.kill("KILL", @pid)
      Process.wait(@pid)
    end

    def stop
      Process.kill("TERM", @pid)
      Process.wait(@pid)
    rescue StandardError
      nil
    end
  end
end
