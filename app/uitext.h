// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace deepdesk::app {

// A sentence shown to the user, kept as its English source (marked with QT_TR_NOOP where it is
// written) and its arguments, so that it reads in whatever language the window has switched to
// since, and in the language of a later start when it is saved. Arguments are UiTexts too: a
// file name is one without a source, shown as it is.
class UiText {
public:
    UiText() = default;
    // Shown as it is, in no language (a file name, a server's own message).
    static UiText plain(const QString& text);
    // `source` translated in the tr() context of `metaObject`'s class, then .arg() with `args`.
    static UiText translated(const QMetaObject& metaObject, const char* source, QList<UiText> args = {});

    // Arguments: a UiText as it is; a string or a number, shown as it is.
    static UiText of(const UiText& t) { return t; }
    static UiText of(const QString& s) { return plain(s); }
    static UiText of(qint64 n) { return plain(QString::number(n)); }
    static UiText of(int n) { return plain(QString::number(n)); }
    static UiText of(double d) { return plain(QString::number(d)); }

    QString text() const;
    bool isEmpty() const { return m_source.isEmpty() && m_plain.isEmpty(); }
    QJsonValue toJson() const;
    // Reads toJson()'s form, or a plain string (what was saved before texts were kept this way).
    static UiText fromJson(const QJsonValue& value);

private:
    QByteArray m_context, m_source;
    QList<UiText> m_args;
    QString m_plain;
};

}  // namespace deepdesk::app
