package io.modstream.trainer.quality;

import java.util.List;

/** A minimal self-contained HTML page: headings, paragraphs, Markdown tables and images. */
final class Html {

  private final StringBuilder body = new StringBuilder();
  private final String title;

  Html(String title) {
    this.title = title;
    body.append("<h1>").append(escape(title)).append("</h1>\n");
  }

  Html heading(String text) {
    body.append("<h2>").append(escape(text)).append("</h2>\n");
    return this;
  }

  Html paragraph(String text) {
    body.append("<p>").append(escape(text)).append("</p>\n");
    return this;
  }

  /** Renders Markdown pipe tables as tables and other non-blank lines as paragraphs. */
  Html markdownTables(String markdown) {
    boolean inTable = false;
    boolean header = false;
    for (String line : markdown.split("\n")) {
      String t = line.trim();
      if (t.startsWith("|")) {
        if (t.matches("\\|[-| ]+\\|")) {
          continue;
        }
        if (!inTable) {
          body.append("<table>\n");
          inTable = true;
          header = true;
        }
        String[] cells = t.substring(1, t.length() - 1).split("\\|");
        body.append("<tr>");
        for (String c : cells) {
          String tag = header ? "th" : "td";
          body.append('<')
              .append(tag)
              .append('>')
              .append(escape(c.trim().replace("**", "")))
              .append("</")
              .append(tag)
              .append('>');
        }
        body.append("</tr>\n");
        header = false;
      } else {
        if (inTable) {
          body.append("</table>\n");
          inTable = false;
        }
        if (!t.isEmpty()) {
          paragraph(t.replace("`", ""));
        }
      }
    }
    if (inTable) {
      body.append("</table>\n");
    }
    return this;
  }

  Html images(List<String> files) {
    body.append("<div>");
    for (String f : files) {
      body.append("<img src=\"")
          .append(escape(f))
          .append("\" alt=\"")
          .append(escape(f))
          .append("\">");
    }
    body.append("</div>\n");
    return this;
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  @Override
  public String toString() {
    return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
        + escape(title)
        + "</title>\n"
        + "<style>body{font-family:sans-serif;max-width:1100px;margin:2em"
        + " auto}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid"
        + " #ccc;padding:4px"
        + " 8px;text-align:right}th{background:#f4f4f4}img{margin:4px}</style></head><body>\n"
        + body
        + "</body></html>\n";
  }
}
