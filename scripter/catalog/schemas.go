package catalog

import "github.com/mssqldump/mssqldump/scripter/model"

// buildSchemas adds the user schemas. An owner of dbo is left implicit:
// CREATE SCHEMA makes dbo the owner when AUTHORIZATION is left out.
func (a *assembler) buildSchemas(db *model.Database) {
	for _, s := range a.rows.Schemas {
		owner := s.Owner
		if owner == "dbo" {
			owner = ""
		}
		db.Schemas = append(db.Schemas, &model.Schema{Name: s.Name, Owner: owner})
	}
}

// buildSynonyms adds the synonyms with their target as the catalog names it.
func (a *assembler) buildSynonyms(db *model.Database) {
	for _, s := range a.rows.Synonyms {
		db.Synonyms = append(db.Synonyms, &model.Synonym{QName: model.QName{Schema: s.Schema, Name: s.Name}, Target: s.Target})
	}
}
