"""The transparency page: where a person chatting sees and changes what shapes their ads.

`ControlPage` serves it (HTML, JavaScript and CSS from `static/`, no build step) and
its JSON API. A person reaches it through a control link
(`Privacy.IssueControlLink`, `Engine.issue_control_link`) whose token is the only
way to address a user: the page never sees a user id.
"""

from chatads.page.server import ControlPage

__all__ = ["ControlPage"]
