import { describe, expect, it } from "vitest";
import { columnBars, describeBars, horizontalBars } from "../../src/web/charts.js";
import { html } from "../../src/web/html.js";

/** The widths (or heights) of the bars in an SVG, in order. */
function sizes(svg: string, attr: "width" | "height"): number[] {
  return [...svg.matchAll(new RegExp(`<rect class="bar[^"]*"[^>]*?${attr}="([0-9.]+)"`, "g"))].map((m) => Number(m[1]));
}

describe("SVG charts", () => {
  it("draws bars in proportion to their values, with each value written beside its bar", () => {
    const svg = horizontalBars({ id: "c", title: "Lead time", bars: [{ label: "median", value: 60, text: "1m" }, { label: "p90", value: 120, text: "2m" }] }).markup;
    const [a, b] = sizes(svg, "width");
    expect(b).toBeGreaterThan(0);
    expect(a! / b!).toBeCloseTo(0.5, 1);
    expect(svg).toContain(">1m</text>");
    expect(svg).toContain(">2m</text>");
  });

  it("gives every chart a title and a description that say its numbers in words", () => {
    const spec = { id: "deploys", title: "Releases shipped per week", bars: [{ label: "13 Jan", value: 3, text: "3" }, { label: "20 Jan", value: 0, text: "0" }] };
    const svg = columnBars(spec).markup;
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="deploys-title deploys-desc"');
    expect(svg).toContain('<title id="deploys-title">Releases shipped per week</title>');
    expect(svg).toContain(`<desc id="deploys-desc">${describeBars(spec)}</desc>`);
    expect(describeBars(spec)).toBe("Releases shipped per week: 13 Jan 3; 20 Jan 0.");
    // A week with nothing shipped draws no bar, but still shows its 0.
    expect(sizes(svg, "height")).toEqual([140, 0]);
  });

  it("says there is no data instead of drawing an empty frame", () => {
    const svg = horizontalBars({ id: "e", title: "Time to restore", bars: [] }).markup;
    expect(svg).toContain("No data in this window");
    expect(svg).toContain("Time to restore: no data.");
  });

  it("writes labels as text, never as markup", () => {
    const svg = horizontalBars({ id: "x", title: "<b>t</b>", bars: [{ label: '<script>alert("x")</script>', value: 1, text: "1" }] }).markup;
    expect(svg).not.toContain("<script>");
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("&#60;script&#62;");
  });
});

describe("the html template", () => {
  it("escapes every value and keeps fragments made by the template", () => {
    const evil = `"><img src=x onerror=alert(1)>`;
    const out = html`<p title="${evil}">${evil}${html`<b>${evil}</b>`}${[html`<i>1</i>`, html`<i>2</i>`]}</p>`.markup;
    expect(out).not.toContain("<img");
    expect(out).toContain("<b>&#34;&#62;&#60;img");
    expect(out).toContain("<i>1</i><i>2</i>");
  });

  it("refuses a `!` right before a value, which the library would read as 'do not escape'", () => {
    expect(() => html`<p>Hi!${"<x>"}</p>`).toThrow(/move the `!`/);
    expect(html`<p>Hi!${html`<br>`}</p>`.markup).toBe("<p>Hi!<br></p>");
  });

  it("trusts only fragments it made, not an object that merely looks like one", () => {
    const fake = { markup: "<script>x</script>" } as unknown as string;
    expect(html`<p>${fake}</p>`.markup).toBe("<p>[object Object]</p>");
    expect(html`<p>${[fake] as never}</p>`.markup).not.toContain("<script>");
  });
});
