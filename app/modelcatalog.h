// SPDX-License-Identifier: GPL-3.0-or-later
// The catalog of DeepSeek models the app offers for download: a JSON resource built in, which a
// newer catalog.json in the data folder replaces when it is valid. Parsing checks every field, so
// a malformed file is reported and the built-in catalog stays in use.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <stdexcept>
#include <vector>

namespace deepdesk::app {

struct CatalogFile {
    QString quant;     // Q4_K_M, Q8_0, ...
    QString fileName;  // in the repository; for a split model, its first part
    qint64 size = 0;   // approximate bytes (the hub's listing gives the exact size and checksum)
};

struct CatalogModel {
    QString id, name, architecture, license, page;
    QString descriptionEn, descriptionZh;
    double parametersB = 0;
    qint64 context = 0;
    qint64 kvBytesPerToken = 0;  // f16 KV cache per token of context
    bool reasoning = false, recommended = false;
    QString huggingFaceRepo, modelScopeRepo;
    std::vector<CatalogFile> files;
};

class CatalogError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Catalog {
    int version = 0;
    std::vector<CatalogModel> models;

    // Throws CatalogError naming the entry and the field that is wrong.
    static Catalog parse(const QByteArray& json);
    // The built-in catalog, or `overridePath` when it exists and parses (its problem, if any, in
    // `error`).
    static Catalog load(const QString& overridePath, QString* error);
    const CatalogModel* find(const QString& id) const;
};

// Architectures the engine runs today.
bool architectureSupported(const QString& architecture);

}  // namespace deepdesk::app
