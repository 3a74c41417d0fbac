/// The number of an institution's supervised (escrow) bank account, as the bank prints it.
public enum EscrowAccountNumber {
  /// Checks an account number: 8 to 32 ASCII digits and hyphens, starting with a digit.
  public static func validate(_ text: String, field: String) throws -> String {
    guard (8...32).contains(text.count), text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }),
      text.first?.isNumber == true
    else {
      throw Rejection(
        "escrow_account_malformed",
        "\(field) \(Rejection.quote(text)) must be 8 to 32 digits (hyphens allowed), as the bank prints it"
      )
    }
    return text
  }
}
