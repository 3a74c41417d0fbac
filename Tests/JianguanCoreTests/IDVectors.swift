import Foundation

/// The shape of Tests/Fixtures/id_vectors.json.
struct IDVectors: Decodable {
  struct Entry: Decodable {
    let value: String
    let valid: Bool
    let region: String?
    let reason: String?
    let birthDate: String?
    let checkChar: String?

    enum CodingKeys: String, CodingKey {
      case value, valid, region, reason
      case birthDate = "birth_date"
      case checkChar = "check_char"
    }
  }

  struct Section: Decodable {
    let valid: [Entry]
    let invalid: [Entry]
  }

  let uscc: Section
  let ric: Section

  static func load() throws -> IDVectors {
    try JSONDecoder().decode(IDVectors.self, from: TestSupport.fixture("id_vectors.json"))
  }
}
