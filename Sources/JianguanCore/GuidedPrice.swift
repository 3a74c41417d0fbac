/// A regional guided price (政府指导价) for subject training: a base price per class hour for one
/// class-size band and one way of delivery.
public struct GuidedPrice: Codable, Sendable, Equatable, Hashable {
  /// The class-size band it applies to.
  public var classSize: ClassSize
  /// Online or offline.
  public var delivery: Delivery
  /// The base price per class hour, in fen; the ceiling adds the policy's markup.
  public var baseFenPerHour: Int64

  /// Makes a guided price.
  public init(classSize: ClassSize, delivery: Delivery, baseFenPerHour: Int64) {
    self.classSize = classSize
    self.delivery = delivery
    self.baseFenPerHour = baseFenPerHour
  }
}
