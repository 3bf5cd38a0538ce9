/// `MessageProtocol` lives in EddyProtocols, with the rest of the contract, so that any module
/// (EddyAsync among them) can receive whole frames; code that imports only EddyCodecs still
/// sees it.
@_exported import protocol EddyProtocols.MessageProtocol
