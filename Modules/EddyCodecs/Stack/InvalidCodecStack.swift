/// A codec stack that ``CodecStack/init(parsing:maxFrameLength:maxLineLength:zlib:)`` refuses,
/// with the part at fault.
///
/// The description names that part, in words a command-line tool can print after its option's
/// name: `unknown key 'widht' in layer 'length-prefix' (keys: width, endian, offset, adjust,
/// strip, max)`.
public struct InvalidCodecStack: Error, Sendable, Equatable, CustomStringConvertible {
  /// What is wrong with the stack.
  public enum Reason: Sendable, Equatable {
    /// Nothing was named.
    case empty
    /// The layer at this position (from 1, from the wire upward) is empty, as in `zlib,,line`.
    case emptyLayer(position: Int)
    /// No layer has this name.
    case unknownLayer(String)
    /// `raw` was named with other layers; it means no layer and stands alone.
    case rawNotAlone
    /// The layer has no such key; `keys` are those it has.
    case unknownKey(layer: String, key: String, keys: [String])
    /// A part after a layer's name is not `KEY=VALUE`.
    case missingValue(layer: String, part: String)
    /// The layer was given this key more than once.
    case repeatedKey(layer: String, key: String)
    /// The key's value is not one the layer accepts; `expected` says what it accepts.
    case invalidValue(layer: String, key: String, value: String, expected: String)
    /// The layer was named more than once.
    case repeatedLayer(String)
    /// `tls` was named above another layer; it can only be the lowest.
    case tlsNotLowest
    /// The layer was named above `below`, which must be above it (or the two exclude each other).
    case misplacedLayer(layer: String, below: String)
  }

  /// The whole stack as it was given.
  public let name: String
  /// What is wrong with it.
  public let reason: Reason

  /// Creates the error for the stack `name`.
  public init(name: String, reason: Reason) {
    self.name = name
    self.reason = reason
  }

  /// Names the part at fault and what would be accepted instead.
  public var description: String {
    switch reason {
    case .empty:
      "no codec stack named; name layers from the wire upward (layers: \(Self.layerList)) or raw"
    case .emptyLayer(let position):
      "layer \(position) of '\(name)' is empty"
    case .unknownLayer(let layer):
      "unknown layer '\(layer)' in '\(name)' (layers: \(Self.layerList))"
    case .rawNotAlone:
      "'raw' means no layer and stands alone, but '\(name)' names other layers with it"
    case .unknownKey(let layer, let key, let keys):
      keys.isEmpty
        ? "unknown key '\(key)' in layer '\(layer)' (it takes no keys)"
        : "unknown key '\(key)' in layer '\(layer)' (keys: \(keys.joined(separator: ", ")))"
    case .missingValue(let layer, let part):
      "'\(part)' in layer '\(layer)' is not KEY=VALUE"
    case .repeatedKey(let layer, let key):
      "key '\(key)' is given more than once in layer '\(layer)'"
    case .invalidValue(let layer, let key, let value, let expected):
      "bad value '\(value)' for key '\(key)' in layer '\(layer)' (expected \(expected))"
    case .repeatedLayer(let layer):
      "layer '\(layer)' is named more than once in '\(name)'"
    case .tlsNotLowest:
      "layer 'tls' must be the lowest (first) layer in '\(name)'"
    case .misplacedLayer(let layer, let below):
      "layer '\(layer)' cannot be above '\(below)' in '\(name)' "
        + "(from the wire upward: tls, zlib, then one of line or length-prefix)"
    }
  }

  /// The layer names, in the order they stack from the wire upward.
  static let layerList = "tls, zlib, line, length-prefix"
}
