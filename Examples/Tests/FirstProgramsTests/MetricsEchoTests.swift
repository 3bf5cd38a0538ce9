import Eddy
import Testing

/// The metrics example (Examples/Sources/metrics-echo) run as a child process: what was echoed
/// shows in its Prometheus exposition, under the counters' names.
@Suite struct MetricsEchoTests {
  /// The exposition the program serves on `port`: one HTTP request, the response until it closes.
  private func scrape(port: Int, on loop: EventLoop) async throws -> String {
    let connection = try await connect(port: port, on: loop, configuration: AsyncConnectionConfiguration())
    try await connection.write(ByteBuffer(string: "GET /metrics HTTP/1.0\r\n\r\n"))
    var response: [UInt8] = []
    for try await chunk in connection.inbound { response += chunk.bytes }
    return String(decoding: response, as: UTF8.self)
  }

  @Test func theExpositionNamesTheCountersAndCountsWhatWasEchoed() async throws {
    let group = try EventLoopGroup(loops: 1, name: "metrics-echo-test")
    defer { group.shutdown() }
    let loop = group.loops[0]
    try await within(seconds: 30) {
      let port = try await freeTCPPort(on: loop)
      let metricsPort = try await freeTCPPort(on: loop)
      try await withProgram("metrics-echo", ["\(port)", "\(metricsPort)"], on: loop) { _ in
        let client = try await connect(port: port, on: loop, configuration: lines)
        var hears = client.inbound.makeAsyncIterator()
        for line in ["one", "two", "three"] {
          try await client.write(ByteBuffer(string: line))
          #expect(try await nextLine(&hears) == line)
        }
        client.close()
        // The close is counted once the server has seen it; the bytes with it.
        var exposition = ""
        for _ in 0..<100 {
          exposition = try await scrape(port: metricsPort, on: loop)
          if exposition.contains(#"eddy_server_connections_closed_total{server="echo"} 1"#) { break }
          try await Task.sleep(for: .milliseconds(50))
        }
        // "one\ntwo\nthree\n": 14 bytes each way.
        for expected in [
          #"eddy_server_connections_accepted_total{server="echo"} 1"#,
          #"eddy_server_connections_closed_total{server="echo"} 1"#,
          #"eddy_server_connections_open{server="echo"} 0"#,
          #"eddy_server_bytes_received_total{server="echo"} 14"#,
          #"eddy_server_bytes_sent_total{server="echo"} 14"#,
          #"eddy_server_connection_errors_total{server="echo",kind="codec_line_too_long"} 0"#,
          #"eddy_loop_turns_total{loop="metrics-echo-0"}"#,
          "# TYPE eddy_loop_lag histogram",
        ] {
          #expect(exposition.contains(expected), "\(expected) in:\n\(exposition)")
        }
      }
    }
  }
}
