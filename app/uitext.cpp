// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/uitext.h"

#include <QJsonArray>
#include <QMetaObject>

namespace deepdesk::app {

UiText UiText::plain(const QString& text) {
    UiText t;
    t.m_plain = text;
    return t;
}

UiText UiText::translated(const QMetaObject& metaObject, const char* source, QList<UiText> args) {
    UiText t;
    t.m_context = metaObject.className();
    t.m_source = source;
    t.m_args = std::move(args);
    return t;
}

QString UiText::text() const {
    if (m_source.isEmpty()) {
        return m_plain;
    }
    QString out = QCoreApplication::translate(m_context.constData(), m_source.constData());
    for (const UiText& a : m_args) {
        out = out.arg(a.text());
    }
    return out;
}

QJsonValue UiText::toJson() const {
    if (m_source.isEmpty()) {
        return m_plain;
    }
    QJsonArray args;
    for (const UiText& a : m_args) {
        args.append(a.toJson());
    }
    return QJsonObject{{QStringLiteral("context"), QString::fromLatin1(m_context)},
                       {QStringLiteral("source"), QString::fromUtf8(m_source)},
                       {QStringLiteral("args"), args}};
}

UiText UiText::fromJson(const QJsonValue& value) {
    if (!value.isObject()) {
        return plain(value.toString());
    }
    const QJsonObject o = value.toObject();
    UiText t;
    t.m_context = o.value(QStringLiteral("context")).toString().toLatin1();
    t.m_source = o.value(QStringLiteral("source")).toString().toUtf8();
    for (const QJsonValue& a : o.value(QStringLiteral("args")).toArray()) {
        t.m_args.append(fromJson(a));
    }
    return t;
}

}  // namespace deepdesk::app
