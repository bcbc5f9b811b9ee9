//! Code generation for `#[derive(Model)]`. Generated code names only `::athanor::__private::…` paths.

use crate::attrs::{FieldDef, ModelDef};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// The whole expansion: column consts, `FromRow` and `Model`.
pub fn expand(def: &ModelDef) -> TokenStream {
    let ident = &def.ident;
    let cols: Vec<&FieldDef> = def.fields.iter().filter(|f| !f.skip).collect();
    let consts = cols.iter().map(|f| column_const(ident, &def.table, f));
    let type_checks = cols.iter().map(|f| {
        let ty = &f.ty;
        {
            let ops = ops(ty);
            quote!(let _ = #ops;)
        }
    });
    let from_row = from_row(def);
    let model = model(def, &cols);
    quote! {
        #[allow(dead_code)]
        impl #ident {
            #(#consts)*
        }

        #[allow(non_snake_case, clippy::all)]
        const _: () = {
            use ::athanor::__private as __a;

            /// What the generated code does with a field of type `T`. Built by the one function
            /// bounded on `SqlType`, so an unmapped field type is reported once, at the type.
            struct __Ops<T> {
                get: fn(&dyn __a::RowAccess, usize) -> __a::Result<T>,
                value: fn(&T) -> __a::Value,
                decode: fn(&str, __a::Value) -> __a::Result<T>,
                column: fn(&'static str) -> __a::ColumnDef,
                default: fn(__a::Value) -> __a::Value,
            }
            #[inline(always)]
            fn __ops<T: __a::SqlType>() -> __Ops<T> {
                __Ops {
                    get: __a::row::get_at::<T>,
                    value: <T as __a::ToValue>::to_value,
                    decode: |column, v| __a::value::decode::<T>(column, v),
                    column: |name| {
                        let mut c = __a::ColumnDef::new(name, <T as __a::SqlType>::column_type());
                        c.nullable = <T as __a::SqlType>::NULLABLE;
                        c
                    },
                    // A default literal converted to the field's type where it converts.
                    default: |raw| match <T as __a::FromValue>::from_value(raw.clone()) {
                        ::core::result::Result::Ok(v) => __a::ToValue::to_value(&v),
                        ::core::result::Result::Err(_) => raw,
                    },
                }
            }
            #[allow(dead_code)]
            fn __check_types() {
                #(#type_checks)*
            }

            #from_row
            #model
        };
    }
}

/// `pub const SYMBOL: Column<Candle, String> = Column::in_table("candles", "symbol");`
fn column_const(model: &syn::Ident, table: &str, f: &FieldDef) -> TokenStream {
    let (name, ty, column, docs) = (&f.const_name, &f.ty, &f.column, &f.docs);
    let ty_str = quote!(#ty).to_string().replace(" :: ", "::").replace(" < ", "<").replace(" >", ">").replace("< ", "<").replace(" ,", ",");
    let header = format!(" The `{column}` column (field `{}: {ty_str}`).", f.ident);
    let sep = if docs.is_empty() { quote!() } else { quote!(#[doc = ""]) };
    quote! {
        #[doc = #header]
        #sep
        #(#docs)*
        pub const #name: ::athanor::__private::model::Column<#model, #ty> = ::athanor::__private::model::Column::in_table(#table, #column);
    }
}

/// `impl FromRow`: every column read by position, in one pass; skipped fields take their default.
fn from_row(def: &ModelDef) -> TokenStream {
    let ident = &def.ident;
    let mut i = 0usize;
    let inits = def.fields.iter().map(|f| {
        let (name, ty) = (&f.ident, &f.ty);
        if f.skip {
            return quote!(#name: ::core::default::Default::default());
        }
        let ops = ops(ty);
        let init = quote!(#name: (#ops.get)(row, start + #i)?);
        i += 1;
        init
    });
    let inits: Vec<_> = inits.collect();
    let n = i;
    let names: Vec<&str> = def.fields.iter().filter(|f| !f.skip).map(|f| f.column.as_str()).collect();
    let at = format!("{}.*", def.table);
    quote! {
        impl __a::model::FromRow for #ident {
            fn from_row(row: &dyn __a::RowAccess, cache: &mut __a::model::RowCache) -> __a::Result<Self> {
                match cache.model_columns(row, &[#(#names),*], #at)? {
                    ::core::option::Option::None => <Self as __a::FromColumns>::from_columns(row, 0),
                    ::core::option::Option::Some(at) => <Self as __a::FromColumns>::from_columns(&__a::row::Reordered::new(row, at), 0),
                }
            }
        }
        impl __a::FromColumns for #ident {
            const WIDTH: usize = #n;
            #[inline]
            fn from_columns(row: &dyn __a::RowAccess, start: usize) -> __a::Result<Self> {
                ::core::result::Result::Ok(#ident { #(#inits,)* })
            }
        }
    }
}

/// `impl Model`: names, the `Table`, values, keys.
fn model(def: &ModelDef, cols: &[&FieldDef]) -> TokenStream {
    let (ident, table) = (&def.ident, &def.table);
    let names = cols.iter().map(|f| &f.column);
    let pk: Vec<&&FieldDef> = cols.iter().filter(|f| f.primary_key).collect();
    let pk_names = pk.iter().map(|f| &f.column);
    let auto = cols.iter().find(|f| f.auto_increment);
    let auto_name = match auto {
        Some(f) => {
            let c = &f.column;
            quote!(::core::option::Option::Some(#c))
        }
        None => quote!(::core::option::Option::None),
    };
    let values = cols.iter().map(|f| field_value(f));
    let pk_values = pk.iter().map(|f| field_value(f));
    let set_key = match auto {
        Some(f) => {
            let (name, ops, col) = (&f.ident, ops(&f.ty), &f.column);
            quote! {
                self.#name = (#ops.decode)(#col, key)?;
                ::core::result::Result::Ok(())
            }
        }
        None => {
            let msg = format!("model `{ident}` has no auto_increment field to store a generated key in");
            quote! {
                let _ = key;
                ::core::result::Result::Err(__a::Error::State(::std::string::String::from(#msg)))
            }
        }
    };
    let column_defs = cols.iter().map(|f| column_def(f));
    let pk_cols = pk.iter().map(|f| &f.column);
    let uniques = def.uniques.iter().map(|u| quote!(.unique([#(#u),*])));
    let indexes = def.indexes.iter().map(|u| quote!(.index([#(#u),*])));
    quote! {
        impl __a::model::Model for #ident {
            const TABLE: &'static str = #table;
            const COLUMNS: &'static [&'static str] = &[#(#names),*];
            const PRIMARY_KEY: &'static [&'static str] = &[#(#pk_names),*];
            const AUTO_INCREMENT: ::core::option::Option<&'static str> = #auto_name;

            fn table() -> &'static __a::Table {
                static TABLE: ::std::sync::OnceLock<__a::Table> = ::std::sync::OnceLock::new();
                TABLE.get_or_init(|| {
                    let pk: &[&'static str] = &[#(#pk_cols),*];
                    __a::Table::new(#table)
                        #(.column(#column_defs))*
                        .primary_key(pk.iter().copied())
                        #(#uniques)*
                        #(#indexes)*
                })
            }

            fn values(&self) -> ::std::vec::Vec<__a::Value> {
                ::std::vec![#(#values),*]
            }

            fn primary_key_values(&self) -> ::std::vec::Vec<__a::Value> {
                ::std::vec![#(#pk_values),*]
            }

            fn set_generated_key(&mut self, key: __a::Value) -> __a::Result<()> {
                #set_key
            }
        }
    }
}

/// `(__ops::<T>().value)(&self.field)`, spanned at the field type.
fn field_value(f: &FieldDef) -> TokenStream {
    let (name, ops) = (&f.ident, ops(&f.ty));
    quote!((#ops.value)(&self.#name))
}

/// The `ColumnDef` expression for one field.
fn column_def(f: &FieldDef) -> TokenStream {
    let (ops, name) = (ops(&f.ty), &f.column);
    let mut adjust = Vec::new();
    if let Some(n) = f.max_len {
        adjust.push(quote!(c.ty = __a::ColumnType::String { max_len: ::core::option::Option::Some(#n) };));
    }
    if f.text {
        adjust.push(quote!(c.ty = __a::ColumnType::Text;));
    }
    let is_time = crate::attrs::type_name(&f.ty).is_some_and(|t| crate::attrs::TIME_TYPES.contains(&t.as_str()));
    if let (true, Some(p)) = (is_time, f.precision) {
        adjust.push(quote!(c.time_precision = ::core::option::Option::Some(#p);));
    } else if f.precision.is_some() || f.scale.is_some() {
        let opt = |v: Option<u32>| match v {
            Some(v) => quote!(::core::option::Option::Some(#v)),
            None => quote!(::core::option::Option::None),
        };
        let (p, s) = (opt(f.precision), opt(f.scale));
        adjust.push(quote!(c.ty = __a::ColumnType::Decimal { precision: #p, scale: #s };));
    }
    if f.primary_key {
        // `Option<i64>` keys (None until inserted) are still NOT NULL columns.
        adjust.push(quote!(c.nullable = false;));
    }
    if f.auto_increment {
        adjust.push(quote!(c.auto_increment = true;));
    }
    if f.unique {
        adjust.push(quote!(c.unique = true;));
    }
    if f.index {
        adjust.push(quote!(c.index = true;));
    }
    if let Some(d) = &f.default {
        adjust.push(quote!(c.default = ::core::option::Option::Some((#ops.default)(__a::Value::from(#d)));));
    }
    if let Some((t, col)) = &f.references {
        adjust.push(quote!(c = c.references(#t, #col);));
    }
    let binding = if adjust.is_empty() { quote!(let c) } else { quote!(let mut c) };
    quote!({
        #binding = (#ops.column)(#name);
        #(#adjust)*
        c
    })
}

/// `__ops::<T>()`, spanned at the field type so an unmapped type is reported there.
fn ops(ty: &syn::Type) -> TokenStream {
    quote_spanned!(ty.span()=> __ops::<#ty>())
}
