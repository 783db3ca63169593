"""Layouts: the Jinja environment pages are rendered in, and which layouts each page uses.

The environment's globals are the only values a layout sees besides its page's context:
the site's settings and functions that turn site paths into links.
"""

from __future__ import annotations

import hashlib
import traceback
from pathlib import Path

import jinja2
import jinja2.meta
from markupsafe import Markup

from .attachments import human_size, request_href
from .config import SiteConfig
from .errors import BuildFailed, ContentError, display_path
from .languages import primary
from .locales import Interface, Interfaces, capital, localise_titles, og_locale
from .model import SitePlan


def make_environment(
    layouts_dir: Path,
    config: SiteConfig,
    plan: SitePlan,
    interfaces: Interfaces,
    compiled: jinja2.BytecodeCache | None = None,
) -> jinja2.Environment:
    """The environment pages are rendered in; `compiled` keeps compiled layouts on disk
    for the next process. What depends on a page's interface language reads it from
    the page's context (`interface_language`, `page_prefix`): one environment serves all."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(layouts_dir),
        bytecode_cache=compiled,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # as `locales.JINJA_OPTIONS` extracts them
    base = config.base_path

    def interface(context) -> Interface:
        return interfaces[context.get("interface_language") or interfaces.default.language]

    def other_language(context, code: str) -> bool:
        """Whether a text in `code` is in another language than the page's."""
        return primary(code) != primary(interface(context).language)

    def titles_in_page_language(context, body, item_lang: str) -> Markup:
        """A body's anchor titles in the page's language, marked so in an item's other."""
        shown = interface(context)
        marked = shown.language if item_lang and other_language(context, item_lang) else ""
        return Markup(localise_titles(str(body), shown.gettext, marked))

    def localised(path: str, context) -> str:
        """A page's address in the page's language; a file's (feed, PDF, picture) as it is."""
        page = path.lstrip("/")
        is_page = page.split("#")[0].split("?")[0].endswith("/") or page in ("", "#")
        return (context.get("page_prefix", "") if is_page else "") + page

    language_name = jinja2.pass_context(
        lambda context, code: interface(context).language_name(code)
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        jinja2.pass_context(lambda context, message: interface(context).gettext(message)),
        jinja2.pass_context(
            lambda context, singular, plural, n: interface(context).ngettext(singular, plural, n)
        ),
        newstyle=True,
    )
    env.globals.update(
        site={
            "language": config.language,
            "base_path": base,
            "url": config.site_url,
            "accessibility": config.accessibility is not None,
            "search": has_search(plan),
            "logo": config.logo_asset,
        },
        url=jinja2.pass_context(lambda context, path="": base + localised(path, context)),
        absolute=jinja2.pass_context(
            lambda context, path="": config.absolute(localised(path, context))
        ),
        asset=lambda name: base + _asset_url(plan, name),
        plurals=jinja2.pass_context(
            lambda context, singular, plural: interface(context).plurals(singular, plural)
        ),
        request_href=jinja2.pass_context(
            lambda context, request: request_href(request, interface(context).gettext)
        ),
        other_language=jinja2.pass_context(other_language),
        language_name=language_name,
    )
    env.filters.update(
        language_name=language_name,
        date_text=jinja2.pass_context(lambda context, iso: interface(context).date(iso)),
        dates=jinja2.pass_context(
            lambda context, start, end="": interface(context).date_range(start, end)
        ),
        filesize=jinja2.pass_context(
            lambda context, size: human_size(size, interface(context).decimal)
        ),
        capital=lambda text: capital(str(text)),
        og_locale=og_locale,
        localise_titles=jinja2.pass_context(titles_in_page_language),
        doc_type=jinja2.pass_context(
            lambda context, term: config.label(interface(context).language, "doc_types", term)
        ),
        event_kind=jinja2.pass_context(
            lambda context, term: config.label(interface(context).language, "event_kinds", term)
        ),
    )
    return env


def has_search(plan: SitePlan) -> bool:
    """Whether the site has a search page (not with --no-search, nor without Pagefind)."""
    return any(page.view == "search" for page in plan.pages)


def _asset_url(plan: SitePlan, name: str) -> str:
    if name not in plan.asset_urls:
        raise jinja2.TemplateRuntimeError(f"asset('{name}'): assets/{name} does not exist")
    return plan.asset_urls[name]


def layout_names(layouts_dir: Path) -> set[str]:
    """The layouts an item may name in `layout:` (partials start with '_')."""
    return {p.stem for p in layouts_dir.glob("*.html") if not p.name.startswith("_")}


def layout_digests(layouts_dir: Path, references: dict[bytes, set[str]]) -> dict[str, bytes]:
    """For each layout, a hash of its own text and of every layout it extends, includes or
    imports, so a page is re-rendered exactly when one of the layouts it uses changes.

    `references` remembers which layouts a text refers to, by the text's hash; parsing
    every layout on every rebuild would cost more than the rebuild.
    """
    texts = {p.name: p.read_bytes() for p in sorted(layouts_dir.glob("*.html"))}
    uses: dict[str, set[str]] = {}
    for name, text in texts.items():
        text_hash = hashlib.blake2b(text, digest_size=16).digest()
        if text_hash not in references:
            references[text_hash] = _referenced_layouts(text)
        found = references[text_hash]
        uses[name] = set(texts) if "*" in found else found
    digests = {}
    for name in texts:
        closure, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in closure:
                closure.add(current)
                todo.extend(uses.get(current, ()))
        hasher = hashlib.blake2b(digest_size=16)
        for used in sorted(closure):
            hasher.update(used.encode() + b"\0" + texts.get(used, b"") + b"\0")
        digests[name] = hasher.digest()
    return digests


def _referenced_layouts(text: bytes) -> set[str]:
    """Names a layout extends, includes or imports; '*' when a name is computed at run time."""
    try:
        found = jinja2.meta.find_referenced_templates(jinja2.Environment().parse(text.decode()))
        return {name or "*" for name in found}
    except (jinja2.TemplateSyntaxError, UnicodeDecodeError):
        return set()  # rendering will report the mistake; the text's hash still changes


def render_page(
    env: jinja2.Environment, template: str, context: dict, url: str, layouts_dir: Path
) -> str:
    """Render one page; a broken layout becomes an error naming the layout file and line."""
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateNotFound as error:
        shown = display_path(layouts_dir / str(error.name), Path.cwd())
        message = "is missing; every content type and index needs its layout"
        raise BuildFailed([ContentError(shown, 0, "layout", message)]) from None
    except jinja2.TemplateSyntaxError as error:
        shown = display_path(Path(error.filename or layouts_dir), Path.cwd())
        raise BuildFailed(
            [ContentError(shown, error.lineno, "layout", str(error.message))]
        ) from None
    except Exception as error:  # a layout's mistake, reported as one; not swallowed
        path, line = _layout_frame(error, layouts_dir)
        message = f"failed while rendering /{url}: {type(error).__name__}: {error}"
        raise BuildFailed(
            [ContentError(display_path(path, Path.cwd()), line, "layout", message)]
        ) from error


def _layout_frame(error: BaseException, layouts_dir: Path) -> tuple[Path, int]:
    """The innermost layout file and line in a traceback (Jinja maps frames to templates)."""
    found = (layouts_dir, 0)
    for frame, line in traceback.walk_tb(error.__traceback__):
        filename = Path(frame.f_code.co_filename)
        if filename.suffix == ".html" and layouts_dir.resolve() in filename.resolve().parents:
            found = (filename, line)
    return found
