import Eddy
import RPC

/// `rpc-async [PORT]`: `rpc-server`'s binary RPC written with async/await, on two loops
/// (port 7002 by default).
@main enum RPCAsync {
  static func main() async throws {
    let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 7002
    let group = try EventLoopGroup(loops: 2)
    let frames = AsyncConnectionConfiguration(layers: CodecStack(layers: [.lengthPrefix(RPC.framing)]).wrap)
    let server = try await group.listen(host: "127.0.0.1", port: port, configuration: frames)
    print("rpc on \(server.addresses[0])")
    try await server.serve { client in
      for try await request in client.inbound {
        try await client.write(RPC.reply(to: request))
      }
    }
  }
}
