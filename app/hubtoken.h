// SPDX-License-Identifier: GPL-3.0-or-later
// The hub's access token goes to the host it was entered for, and nowhere else: not to another
// endpoint chosen later, not across a redirect to another host (Qt's own redirect handling keeps
// the Authorization header on every host it is sent to).
#pragma once

#include <QNetworkReply>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>

namespace deepdesk::app {

struct HubToken {
    QString token;
    QString host;  // lower case

    bool sendsTo(const QUrl& url) const {
        return !token.isEmpty() && !host.isEmpty() && url.host().compare(host, Qt::CaseInsensitive) == 0;
    }
    // Adds the token to `req` when it goes to the token's host. Redirects are then left to the
    // caller (UserVerifiedRedirectPolicy): see allowsRedirect. Returns whether it was added.
    bool authorize(QNetworkRequest& req) const {
        req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::UserVerifiedRedirectPolicy);
        if (!sendsTo(req.url())) {
            return false;
        }
        req.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        return true;
    }
    // A redirect from https to anything else: never followed.
    static bool downgrades(const QUrl& from, const QUrl& to) {
        return from.scheme() == QLatin1String("https") && to.scheme() != QLatin1String("https");
    }
    // Whether a request from `from` may follow a redirect to `to` as it is: not a downgrade; and
    // with the token, only to the token's host.
    bool allowsRedirect(const QUrl& from, const QUrl& to, bool authorized) const {
        return !downgrades(from, to) && (!authorized || sendsTo(to));
    }
};

}  // namespace deepdesk::app
