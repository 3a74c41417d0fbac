/// The one small stylesheet of Jianguan's server-rendered pages: a readable base (CJK fonts,
/// phone-width safe), the plaque's layout, and the print rules. Pages inline it in `<style>`, so a
/// saved or printed page needs no other file.
public enum PageStyle {
  /// The font stack: Noto Sans CJK SC (Debian fonts-noto-cjk), then the system's sans-serif.
  public static let fontFamily = "\"Noto Sans CJK SC\", \"Noto Sans SC\", sans-serif"

  /// The base every page shares.
  public static let base = """
    *, *::before, *::after { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0; padding: 16px; font-family: \(fontFamily); font-size: 16px; line-height: 1.6;
      color: #1a1a1a; background: #f2f2f0; overflow-wrap: anywhere; }
    h1, h2, h3 { line-height: 1.3; margin: 0 0 0.5em 0; }
    a { color: #0b57a4; }
    a:focus, button:focus, input:focus { outline: 3px solid #f0a500; outline-offset: 2px; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.35em 1em; margin: 0;
      align-items: baseline; }
    dt { color: #555; }
    dd { margin: 0; min-width: 0; }
    .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.9em; }
    @media (max-width: 480px) {
      body { padding: 8px; }
      dl { grid-template-columns: 1fr; gap: 0 0; }
      dd { margin-bottom: 0.5em; }
    }
    """

  /// The plaque: an A5 card with a red band, the fields, and a large QR code.
  public static let plaque = """
    .plaque { max-width: 148mm; margin: 0 auto; background: #fff; border: 2px solid #b3121b;
      border-radius: 6px; padding: 20px 24px; }
    .plaque header { text-align: center; border-bottom: 3px solid #b3121b; padding-bottom: 10px;
      margin-bottom: 14px; }
    .plaque .kicker { margin: 0; color: #b3121b; font-size: 1.05em; letter-spacing: 0.1em; }
    .plaque h1 { margin: 4px 0 0 0; font-size: 2.2em; letter-spacing: 0.3em; color: #b3121b; }
    .plaque .institution { text-align: center; font-size: 1.4em; font-weight: bold; margin: 0 0 10px 0; }
    .plaque .status { text-align: center; font-size: 1.2em; font-weight: bold; margin: 0 0 14px 0;
      padding: 6px; border-radius: 4px; }
    .status-active { background: #e6f4ea; color: #0d652d; }
    .status-suspended { background: #fef7e0; color: #8a4b00; }
    .status-revoked { background: #fce8e6; color: #a50e0e; }
    .plaque .qr { margin: 16px auto 0 auto; max-width: 92mm; text-align: center; }
    .plaque .qr svg { display: block; width: 100%; height: auto; }
    .plaque .qr figcaption { font-size: 0.85em; color: #444; margin-top: 6px; }
    .plaque footer { margin-top: 14px; font-size: 0.75em; color: #666; text-align: center; }
    """

  /// Printing: the plaque alone on one A5 sheet (a long name and bank included), no background.
  public static let print = """
    @page { size: A5 portrait; margin: 7mm; }
    @media print {
      body { background: #fff; padding: 0; font-size: 9.5pt; line-height: 1.45; }
      .plaque { max-width: none; border-width: 1.5pt; padding: 5mm 7mm; break-inside: avoid; }
      .plaque header { padding-bottom: 2mm; margin-bottom: 3mm; }
      .plaque .kicker { font-size: 10pt; }
      .plaque h1 { font-size: 20pt; }
      .plaque .institution { font-size: 13pt; margin-bottom: 2mm; }
      .plaque .status { font-size: 11pt; padding: 1.5mm; margin-bottom: 3mm;
        -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      dl { gap: 0 4mm; }
      .plaque .qr { max-width: 58mm; margin-top: 2mm; }
      .plaque .qr figcaption { font-size: 8pt; margin-top: 1mm; }
      .plaque footer { margin-top: 2mm; font-size: 6.5pt; }
      .plaque footer p { margin: 0.5mm 0; }
      a { color: inherit; text-decoration: none; }
    }
    """

  /// The whole stylesheet, as pages inline it.
  public static let css = base + "\n" + plaque + "\n" + print
}
