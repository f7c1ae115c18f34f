# frozen_string_literal: true

require "json"
require_relative "test_helper"

# fork(), as Puma, Unicorn and Resque do it: a client (and an iterator it started) used in
# forked children never shares a connection or a provider session with its parent. The
# parent and two children each finish the iterator the parent had started and list again;
# every process gets exactly the truth. The parent holds a kept-alive connection when it
# forks, and answers are a little slow, so the processes' requests overlap: a child that
# reused the parent's connection would read answers meant for another process.
class TestFork < Minitest::Test
  include SandboxTest

  def test_parent_and_children_each_get_the_truth
    skip "this Ruby cannot fork" unless Process.respond_to?(:fork)

    Sandbox.with(faults: "slow@1-100000:2") do |slow|
      want = slow.truth(:customers)
      slow.client(page_size: 10) do |client|
        client.iterator(:customers) do |it|
          before = Array.new(25) { it.next_record.to_h }
          children = Array.new(2) { fork_checking(it, client, before, want) }
          parent = problems(it, client, before, want)
          children.each_with_index do |(pid, reader), i|
            report = reader.read
            reader.close
            _, status = Process.wait2(pid)
            assert status.success?, "child #{i} exited with #{status.inspect}"
            assert_equal [], JSON.parse(report), "child #{i}"
          end
          assert_equal [], parent, "parent"
        end
      end
    end
  end

  private

  # Forks a child that runs #problems and reports them as JSON through a pipe.
  def fork_checking(it, client, before, want)
    reader, writer = IO.pipe
    pid = Process.fork do
      reader.close
      report = begin
        problems(it, client, before, want)
      rescue Exception => e # rubocop:disable Lint/RescueException: anything, reported
        ["#{e.class}: #{e.message}"]
      end
      writer.write(JSON.generate(report))
      writer.close
      exit!(0) # no at_exit: Minitest must not run the suite again in the child
    end
    writer.close
    [pid, reader]
  end

  # What is wrong with finishing `it` after the records `before`, and with listing again:
  # [] when both are exactly the truth.
  def problems(it, client, before, want)
    found = []
    finished = before + it.each.map(&:to_h)
    found << "the started iteration differs from the truth" unless finished.sort_by { |h| h["id"].b } == want
    found << "the started iteration has duplicates" unless finished.map { |h| h["id"] }.uniq.size == finished.size
    again = client.customers.map(&:to_h)
    found << "a new listing differs from the truth" unless again.sort_by { |h| h["id"].b } == want
    found
  end
end
