#!/usr/bin/env python3
"""Drives Debian's Chromium (headless, through Playwright's DevTools protocol client) through each
role's main path on a running `jianguan serve`: log in, look, act. Prints one JSON object with what
each page showed, so that the Swift test asserts on it. A test tool, never part of the product.

usage: drive.py BASE_URL PLAN.json [--screenshots DIR]
PLAN: {"roles": [{"name": "...", "token": "...", "visit": ["/regulator", ...],
                   "forms": [{"page": "/parent", "form": "form[action='/parent/lessons/confirm']",
                              "fill": {"reason": "..."}, "nth": 0}]}],
       "public": ["/", "/plaque/USCC"]}
"""
import json
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"desktop": 1100, "phone": 390}


def main():
    base, plan_path = sys.argv[1], sys.argv[2]
    shots = sys.argv[sys.argv.index("--screenshots") + 1] if "--screenshots" in sys.argv else None
    plan = json.load(open(plan_path, encoding="utf-8"))
    out = {"pages": [], "forms": [], "console": [], "overflow": [], "downloads": []}
    where = {"path": None}  # the path being loaded, named in each console message
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])

        def watch(page, label):
            page.on("console", lambda m: out["console"].append(
                {"page": label, "path": where["path"], "type": m.type, "text": m.text})
                if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: out["console"].append(
                {"page": label, "path": where["path"], "type": "pageerror", "text": str(e)}))

        def look(page, role, path, width_name):
            where["path"] = path
            response = page.goto(base + path)
            label = "%s %s %s" % (role, path, width_name)
            # Wider than the window: something overflows (tables scroll inside their own box).
            wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
            if wide:
                out["overflow"].append(label)
            if shots:
                name = "%s%s-%s" % (role, path.replace("/", "_").replace("?", "_"), width_name)
                page.screenshot(path="%s/%s.png" % (shots, name), full_page=True)
            return {"role": role, "path": path, "width": width_name, "status": response.status,
                    "text": page.inner_text("body"), "title": page.title()}

        for width_name, width in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            watch(page, "public " + width_name)
            for path in plan.get("public", []):
                out["pages"].append(look(page, "public", path, width_name))
            context.close()
            for role in plan["roles"]:
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                watch(page, role["name"] + " " + width_name)
                where["path"] = "/login"
                page.goto(base + "/login")
                page.fill("input[name=token]", role["token"])
                page.click("form[action='/login'] button")
                page.wait_for_load_state()
                out["pages"].append({"role": role["name"], "path": "login", "width": width_name,
                                     "status": 200, "text": page.inner_text("body"), "url": page.url})
                for path in role.get("visit", []):
                    out["pages"].append(look(page, role["name"], path, width_name))
                if width_name == "desktop":
                    # Downloads (a PDF, a receipt) through the same session's cookies.
                    for path in role.get("downloads", []):
                        response = context.request.get(base + path)
                        body = response.body()
                        out["downloads"].append({"role": role["name"], "path": path, "status": response.status,
                                                 "type": response.headers.get("content-type", ""),
                                                 "head": body[:8].decode("latin-1"), "bytes": len(body)})
                    for step in role.get("forms", []):
                        where["path"] = step["form"]
                        page.goto(base + step["page"])
                        form = page.locator(step["form"]).nth(step.get("nth", 0))
                        for name, value in step.get("fill", {}).items():
                            form.locator("[name=%s]" % name).fill(value)
                        for name, value in step.get("select", {}).items():
                            form.locator("[name=%s]" % name).select_option(value)
                        form.locator("button").click()
                        page.wait_for_load_state()
                        flash = page.locator(".flash")
                        out["forms"].append({"role": role["name"], "form": step["form"], "url": page.url,
                                             "flash": flash.inner_text() if flash.count() else None,
                                             "kind": flash.get_attribute("class") if flash.count() else None})
                context.close()
        browser.close()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
