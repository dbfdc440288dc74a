package dev.vigil.detections.windows;

/**
 * Decodes the HTML/XML entities collectors leave in Windows event strings ({@code &lt;}, {@code &gt;},
 * {@code &amp;}, {@code &quot;}, {@code &apos;}, {@code &#NN;}, {@code &#xNN;}); anything else is kept.
 */
final class HtmlEntities {

    private HtmlEntities() {}

    static String decode(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        b.append(s, 0, amp);
        int i = amp;
        while (i < s.length()) {
            char c = s.charAt(i);
            int semi = c == '&' ? s.indexOf(';', i) : -1;
            if (semi > i && semi - i <= 10) {
                String decoded = entity(s.substring(i + 1, semi));
                if (decoded != null) {
                    b.append(decoded);
                    i = semi + 1;
                    continue;
                }
            }
            b.append(c);
            i++;
        }
        return b.toString();
    }

    private static String entity(String name) {
        switch (name) {
            case "lt": return "<";
            case "gt": return ">";
            case "amp": return "&";
            case "quot": return "\"";
            case "apos": return "'";
            default:
                break;
        }
        if (name.length() > 1 && name.charAt(0) == '#') {
            try {
                int cp = name.charAt(1) == 'x' || name.charAt(1) == 'X'
                        ? Integer.parseInt(name.substring(2), 16) : Integer.parseInt(name.substring(1));
                return Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
