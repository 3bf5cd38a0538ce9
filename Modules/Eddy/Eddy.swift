/// Eddy with one import: the modules a server needs, re-exported.
///
/// `import Eddy` brings the event loop (EddyReactor), the protocol contract and `ByteBuffer`
/// (EddyProtocols), sockets, pipes, datagrams and subprocesses (EddyTransports), codecs and their
/// stacks (EddyCodecs), and async/await (EddyAsync). TLS (EddyTLS, EddyTLSReactor, which link
/// OpenSSL), the in-memory test kit (EddyTesting) and the load generator (EddyLoadGen) stay
/// imports of their own, as does any module on its own for a program that wants only that
/// part: each is a product of the package.
@_exported import EddyAsync
@_exported import EddyCodecs
@_exported import EddyProtocols
@_exported import EddyReactor
@_exported import EddyTransports
